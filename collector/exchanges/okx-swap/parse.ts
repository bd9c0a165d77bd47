/**
 * OKX v5 public websocket frames (and the REST bodies we poll) → normalized events.
 * Pure: no I/O; state per connection (sequence numbers, local books, merged tickers).
 *
 * Decisions (see README.md beside this file for the reasons):
 * - Only perpetual swaps (instId ending in -SWAP) are recorded; frames for spot pairs and dated
 *   futures are well-formed but not ours and return `ignored`.
 * - Sizes are contracts; they become base units with the instrument's ctVal (contracts.ts). An
 *   instrument whose ctVal is unknown to the InstrumentBook is a parse error (E_PARSE) naming it.
 * - The first liquidation-orders push after its subscribe ack is a backlog of older
 *   liquidations: it is dropped (`ignored`), as tardis does.
 * - Book channels and their sequence checks live in book-channels.ts.
 */
import type { EventSink, MarketEvent, Side } from '../../../core/events.ts';
import { guessInstrument, type Instrument, type InstrumentBook } from '../../../core/instruments.ts';
import { MergedTickers } from '../shared/ticker-merge.ts';
import type { ExchangeParser, FrameResult } from '../types.ts';
import { BookChannels } from './book-channels.ts';
import { contractsToBase } from './contracts.ts';
import { arr, asRecord, dec, decOrEmpty, fail, instIdOf, ms, str, type Rec } from './fields.ts';
import { isSwap, SWAP_SUFFIX } from './instruments.ts';
import { longShortTypeOf, parseLongShort, type RubikContext } from './rest.ts';

const EXCHANGE = 'okx-swap' as const;
const IGNORED: FrameResult = { type: 'ignored' };
const ACK: FrameResult = { type: 'ack' };
const PONG: FrameResult = { type: 'pong' };

export function createParser(instruments: InstrumentBook): ExchangeParser {
  return new OkxSwapParser(instruments);
}

class OkxSwapParser implements ExchangeParser, RubikContext {
  readonly exchange = EXCHANGE;
  /** Markets for instruments the book does not know (kept here, never written into the book). */
  private readonly guessedMarkets = new Map<string, string>();
  private readonly tickers = new MergedTickers(EXCHANGE);
  private readonly bookChannels = new BookChannels(this);
  private liquidationBacklog = false;
  readonly newestRow = new Map<string, number>();

  constructor(private readonly instruments: InstrumentBook) {}

  /**
   * Sequence numbers, books and the liquidation backlog flag are per connection. The merged
   * ticker state and the newest REST rows are kept: they are still the last known values.
   */
  reset(): void {
    this.bookChannels.reset();
    this.liquidationBacklog = false;
  }

  parseFrame(text: string, localTs: number, emit: EventSink): FrameResult {
    if (text === 'pong') return PONG;
    const msg = parseJson(text, 'frame');
    if (msg.event !== undefined) return this.control(msg);
    if (msg.arg === undefined) fail('frame has neither event nor arg');
    const arg = asRecord(msg.arg, 'arg');
    const channel = str(arg, 'channel', 'arg');
    const data = arr(msg, 'data', channel);
    // Events are collected and emitted only once the whole frame has been read, so a malformed
    // element never leaves half a frame recorded.
    const out: MarketEvent[] = [];
    let relevant: boolean;
    switch (channel) {
      case 'trades':
      case 'trades-all':
        relevant = this.trades(arg, data, localTs, out);
        break;
      case 'books5':
      case 'bbo-tbt':
        relevant = this.bookChannels.snapshotPush(channel, arg, data, localTs, out);
        break;
      case 'books':
      case 'books50-l2-tbt':
      case 'books-l2-tbt':
        relevant = this.bookChannels.incrementalPush(channel, msg.action, arg, data, localTs, out);
        break;
      case 'tickers':
        relevant = this.tickerChannel(arg, data, localTs, out);
        break;
      case 'mark-price':
        relevant = this.markPrice(arg, data, localTs, out);
        break;
      case 'index-tickers':
        relevant = this.indexTickers(arg, data, localTs, out);
        break;
      case 'funding-rate':
        relevant = this.fundingRate(arg, data, localTs, out);
        break;
      case 'open-interest':
        relevant = this.openInterest(arg, data, localTs, out);
        break;
      case 'liquidation-orders':
        if (this.liquidationBacklog) {
          this.liquidationBacklog = false;
          return IGNORED;
        }
        relevant = this.liquidations(arg, data, localTs, out);
        break;
      default:
        return IGNORED; // candles and other channels we do not record
    }
    if (!relevant) return IGNORED;
    for (let i = 0; i < out.length; i++) emit(out[i]);
    return { type: 'data', events: out.length };
  }

  /**
   * REST: open interest (same shape as the websocket channel) and the rubik long/short series.
   * Instrument and ticker lists are not market data: `ignored`.
   */
  parseRest(url: string, body: string, localTs: number, emit: EventSink): FrameResult {
    const parsed = new URL(url, 'http://okx.invalid');
    const at = parsed.pathname.indexOf('/api/v5/');
    const path = at < 0 ? parsed.pathname : parsed.pathname.slice(at);
    const ratioType = longShortTypeOf(path);
    if (ratioType === undefined && path !== '/api/v5/public/open-interest') return IGNORED;
    const root = parseJson(body, path);
    if (root.code !== '0') return { type: 'rejected', message: `${String(root.code)}: ${String(root.msg)}` };
    const data = arr(root, 'data', path);
    let out: MarketEvent[] | null = [];
    if (ratioType === undefined) {
      if (!this.openInterest({}, data, localTs, out)) out = null;
    } else {
      out = parseLongShort(ratioType, path, parsed.searchParams, data, localTs, this);
    }
    if (!out || out.length === 0) return IGNORED;
    for (let i = 0; i < out.length; i++) emit(out[i]);
    return { type: 'data', events: out.length };
  }

  private control(msg: Rec): FrameResult {
    switch (msg.event) {
      case 'subscribe':
        if (typeof msg.arg === 'object' && msg.arg !== null && (msg.arg as Rec).channel === 'liquidation-orders') {
          this.liquidationBacklog = true;
        }
        return ACK;
      case 'unsubscribe':
        return ACK;
      case 'error':
        return { type: 'rejected', message: `${String(msg.code)}: ${String(msg.msg)}` };
      case 'notice':
        return { type: 'notice', message: `${String(msg.code)}: ${String(msg.msg)}` };
      default:
        return IGNORED; // e.g. channel-conn-count, which concerns private channels
    }
  }

  // ---- instruments -------------------------------------------------------------------------

  marketOf(symbol: string): string {
    if (this.instruments.has(symbol)) return this.instruments.get(symbol).market;
    let market = this.guessedMarkets.get(symbol);
    if (market === undefined) {
      market = guessInstrument(EXCHANGE, symbol).market;
      this.guessedMarkets.set(symbol, market);
    }
    return market;
  }

  /** The instrument, when its contract size is really known; sizes are never guessed. */
  known(symbol: string, ctx: string): Instrument {
    const inst = this.sized(symbol);
    if (!inst) fail(`${ctx}: contract size (ctVal) of ${symbol} is unknown; load the SWAP instrument list first`);
    return inst;
  }

  /**
   * The book's instrument unless it is missing or a guess. OKX's list and our table always give
   * a tick size; an instrument without one is guessInstrument's stand-in (contract size 1),
   * which for OKX would silently mis-size every quantity.
   */
  private sized(symbol: string): Instrument | null {
    if (!this.instruments.has(symbol)) return null;
    const inst = this.instruments.get(symbol);
    return inst.tick_size === null ? null : inst;
  }

  // ---- channels ----------------------------------------------------------------------------

  private trades(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const t = asRecord(data[i], 'trades: data item');
      const symbol = instIdOf(t, arg, 'trades');
      if (!isSwap(symbol)) continue;
      const inst = this.known(symbol, 'trades');
      const price = dec(t, 'px', 'trades');
      out.push({
        kind: 'trade',
        exchange: EXCHANGE,
        symbol,
        market: inst.market,
        ts: ms(t, 'ts', 'trades'),
        local_ts: localTs,
        id: str(t, 'tradeId', 'trades'),
        price,
        qty: contractsToBase(inst, dec(t, 'sz', 'trades'), price, 'trades'),
        side: sideOf(t, 'trades'), // OKX `side` is the taker's
      });
      relevant = true;
    }
    return relevant;
  }

  /** tickers: best bid/ask → book_ticker; `last` → the merged derivative ticker. */
  private tickerChannel(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const t = asRecord(data[i], 'tickers: data item');
      const symbol = instIdOf(t, arg, 'tickers');
      if (!isSwap(symbol)) continue;
      const inst = this.known(symbol, 'tickers');
      const ts = ms(t, 'ts', 'tickers');
      const bidPx = decOrEmpty(t, 'bidPx', 'tickers') ?? null;
      const bidSz = decOrEmpty(t, 'bidSz', 'tickers') ?? null;
      const askPx = decOrEmpty(t, 'askPx', 'tickers') ?? null;
      const askSz = decOrEmpty(t, 'askSz', 'tickers') ?? null;
      const last = decOrEmpty(t, 'last', 'tickers') ?? null;
      relevant = true;
      // An empty side (e.g. a freshly listed swap) has no best price to record.
      if (bidPx !== null && bidSz !== null && askPx !== null && askSz !== null) {
        out.push({
          kind: 'book_ticker',
          exchange: EXCHANGE,
          symbol,
          market: inst.market,
          ts,
          local_ts: localTs,
          bid_price: bidPx,
          bid_qty: contractsToBase(inst, bidSz, bidPx, 'tickers'),
          ask_price: askPx,
          ask_qty: contractsToBase(inst, askSz, askPx, 'tickers'),
        });
      }
      if (last === null || !this.tickers.merge(symbol, { last_price: last })) continue;
      out.push(this.tickers.event(symbol, inst.market, ts, localTs));
    }
    return relevant;
  }

  private markPrice(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const m = asRecord(data[i], 'mark-price: data item');
      const symbol = instIdOf(m, arg, 'mark-price');
      if (!isSwap(symbol)) continue;
      const mark = dec(m, 'markPx', 'mark-price');
      const ts = ms(m, 'ts', 'mark-price');
      relevant = true;
      if (!this.tickers.merge(symbol, { mark_price: mark })) continue;
      out.push(this.tickers.event(symbol, this.marketOf(symbol), ts, localTs));
    }
    return relevant;
  }

  /** index-tickers are keyed by index (BTC-USDT); the index of BTC-USDT-SWAP is BTC-USDT. */
  private indexTickers(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    for (let i = 0; i < data.length; i++) {
      const x = asRecord(data[i], 'index-tickers: data item');
      const symbol = instIdOf(x, arg, 'index-tickers') + SWAP_SUFFIX;
      const index = dec(x, 'idxPx', 'index-tickers');
      const ts = ms(x, 'ts', 'index-tickers');
      if (!this.tickers.merge(symbol, { index_price: index })) continue;
      out.push(this.tickers.event(symbol, this.marketOf(symbol), ts, localTs));
    }
    return data.length > 0;
  }

  /**
   * funding-rate: fundingTime is the coming settlement (nextFundingTime the one after), so it is
   * next_funding_ts. nextFundingRate is the predicted rate only when non-empty (it is "" under
   * the current_period method). 2021-22 frames lack `ts` (then receipt time stands in) and may
   * lack fundingRate.
   */
  private fundingRate(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const f = asRecord(data[i], 'funding-rate: data item');
      const symbol = instIdOf(f, arg, 'funding-rate');
      if (!isSwap(symbol)) continue;
      const rate = decOrEmpty(f, 'fundingRate', 'funding-rate') ?? undefined;
      const predicted = decOrEmpty(f, 'nextFundingRate', 'funding-rate') ?? undefined;
      const fundingTs = ms(f, 'fundingTime', 'funding-rate');
      const ts = f.ts === undefined ? localTs : ms(f, 'ts', 'funding-rate');
      relevant = true;
      // An absent or empty rate keeps the last known one.
      const update = { funding_rate: rate, predicted_rate: predicted, next_funding_ts: fundingTs };
      if (this.tickers.merge(symbol, update)) out.push(this.tickers.event(symbol, this.marketOf(symbol), ts, localTs));
    }
    return relevant;
  }

  /**
   * open-interest (websocket and REST): `oi` is contracts. Linear: oi × ctVal. Inverse: oi × ctVal
   * is USD, so the exchange's own coin figure `oiCcy` is the base amount. value = oiUsd if sent.
   */
  private openInterest(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const o = asRecord(data[i], 'open-interest: data item');
      const symbol = instIdOf(o, arg, 'open-interest');
      if (!isSwap(symbol)) continue;
      const inst = this.known(symbol, 'open-interest');
      const oi = dec(o, 'oi', 'open-interest');
      const oiCcy = decOrEmpty(o, 'oiCcy', 'open-interest') ?? null;
      const value = decOrEmpty(o, 'oiUsd', 'open-interest') ?? null;
      const ts = ms(o, 'ts', 'open-interest');
      const base = inst.inverse && oiCcy !== null ? oiCcy : contractsToBase(inst, oi, null, 'open-interest');
      relevant = true;
      out.push({
        kind: 'open_interest',
        exchange: EXCHANGE,
        symbol,
        market: inst.market,
        ts,
        local_ts: localTs,
        open_interest: base,
        value,
      });
      if (!this.tickers.merge(symbol, { open_interest: base })) continue;
      out.push(this.tickers.event(symbol, inst.market, ts, localTs));
    }
    return relevant;
  }

  /**
   * liquidation-orders (subscribed per instType): one liquidation per detail. `side` is the side
   * of the liquidation order (sell = a long was liquidated), price = bankruptcy price, ts = the
   * detail's own time (details are not necessarily in time order). OKX gives no id.
   * The channel carries every swap; instruments outside the book are markets we do not record.
   */
  private liquidations(arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const l = asRecord(data[i], 'liquidation-orders: data item');
      const symbol = instIdOf(l, arg, 'liquidation-orders');
      const inst = isSwap(symbol) ? this.sized(symbol) : null;
      if (!inst) continue;
      const details = arr(l, 'details', 'liquidation-orders');
      relevant = true;
      for (let j = 0; j < details.length; j++) {
        const d = asRecord(details[j], 'liquidation-orders: detail');
        const price = dec(d, 'bkPx', 'liquidation-orders');
        out.push({
          kind: 'liquidation',
          exchange: EXCHANGE,
          symbol,
          market: inst.market,
          ts: ms(d, 'ts', 'liquidation-orders'),
          local_ts: localTs,
          id: null,
          price,
          qty: contractsToBase(inst, dec(d, 'sz', 'liquidation-orders'), price, 'liquidation-orders'),
          side: sideOf(d, 'liquidation-orders'),
        });
      }
    }
    return relevant;
  }
}

// ---- helpers -------------------------------------------------------------------------------

function parseJson(text: string, what: string): Rec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`${what}: not valid JSON`);
  }
  return asRecord(json, what);
}

function sideOf(o: Rec, ctx: string): Side {
  const side = o.side;
  if (side !== 'buy' && side !== 'sell') fail(`${ctx}: side ${JSON.stringify(side)} is not buy/sell`);
  return side;
}
