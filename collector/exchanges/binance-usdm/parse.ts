/**
 * Binance USDⓈ-M websocket frames → normalized events. Pure: no I/O, one instance per
 * connection (sequence trackers and books are per connection; see reset()).
 *
 * Frames arrive wrapped as `{"stream":"btcusdt@aggTrade","data":{…}}` on combined streams
 * (what the plan subscribes to) or bare on `/ws/` connections; both are accepted. The payload's
 * `e` field selects the mapping (../shared/samples/PROTOCOLS.md §1.4, §4.4, §6):
 * - aggTrade → trade: id = `a`, ts = trade time `T`, side = taker side (`m` true = the buyer was
 *   the maker, so the taker sold). 2019 frames lack `a`: id null, no sequence check.
 * - trade (`<sym>@trade`, one print per fill: what other recorders keep) → trade the same way,
 *   id = `t`. Prints whose `X` is not MARKET (insurance fund, ADL) are no taker trade: their id
 *   still counts in the sequence, but no trade is recorded (as tardis does).
 * - bookTicker → book_ticker (ts = event time `E`, as tardis-node).
 * - depthUpdate on `<sym>@depth5|10|20…` → book_top, the frame is a whole top-N book; on the
 *   diff stream `<sym>@depth[@100ms]` → a local book (diff-depth.ts) → book_top top 5. A bare
 *   depthUpdate cannot be told apart (partial and diff payloads look alike): ignored.
 * - markPriceUpdate (also inside `!markPrice@arr` arrays) → derivative_ticker, ts = `E`, merged
 *   with the last `@ticker` price and the last REST open interest (../shared/ticker-merge.ts);
 *   Binance publishes no predicted rate (`r` is the coming one).
 * - 24hrTicker → updates last_price only and emits nothing: markPrice@1s follows within a second
 *   and carries it, which halves the derivative_ticker rows at the cost of ≤ 1 s staleness.
 * - forceOrder → liquidation: side = `o.S` (the liquidation order's side: SELL = a long was
 *   liquidated); price = `o.ap`, the average fill price, when non-zero, else the order's limit
 *   price `o.p` (tardis uses `o.p`; the fills are where the liquidation actually traded and can
 *   be far from the IOC limit, e.g. 4706.04 vs 4793.91); qty = `o.z` (filled) when non-zero, else
 *   `o.q`; ts = `o.T`. The stream is a sample (≤ 1 per symbol per second), not every liquidation.
 * - kline and other well-formed types we do not record → ignored.
 * Sequence checks: aggTrade `a` and trade `t` must be consecutive per symbol (streams 'aggTrade',
 * 'trade'); depth `pu` must equal the previous `u` (stream 'depth'). A jump emits a gap event
 * before the frame's own events; an id at or below the last one is a duplicate and the frame is
 * ignored.
 */
import { isDecimal } from '../../../core/decimal.ts';
import { gapEvent, type Dec, type EventSink, type GapEvent } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import { MergedTickers } from '../shared/ticker-merge.ts';
import { parseError, type ExchangeParser, type FrameResult } from '../types.ts';
import { DiffDepthBooks } from './diff-depth.ts';
import {
  EXCHANGE,
  badField,
  dec,
  explain,
  int,
  isInt,
  isObject,
  isZeroDecimal,
  levels,
  obj,
  optDec,
  parseJson,
  str,
  type FieldRule,
  type Json,
} from './fields.ts';
import { fundingUpdate } from './funding.ts';
import { parseRestBody } from './rest.ts';
import { SequenceTracker } from './sequence.ts';

const IGNORED: FrameResult = { type: 'ignored' };
const ACK: FrameResult = { type: 'ack' };
/** Shared, frozen results for the usual counts: one allocation less per frame. */
const DATA: readonly FrameResult[] = [0, 1, 2, 3].map(
  (events) => Object.freeze({ type: 'data', events }) as FrameResult,
);
/** Levels of a rebuilt diff-depth book emitted as book_top (the depth5 equivalent). */
const BOOK_TOP_LEVELS = 5;

function data(events: number): FrameResult {
  return events < DATA.length ? DATA[events] : { type: 'data', events };
}

/*
 * Field rules of the high-rate payloads. Their handlers read fields directly and validate them
 * in one combined test (keyed reads through helpers cost a third of the parse); only when that
 * test fails are the rules replayed to name the offending field.
 */
const AGG_TRADE: Record<string, FieldRule> = { s: 'str', p: 'dec', q: 'dec', T: 'int', m: 'bool', a: 'optInt' };
const TRADE: Record<string, FieldRule> = { s: 'str', p: 'dec', q: 'dec', T: 'int', m: 'bool', t: 'int' };
const BOOK_TICKER: Record<string, FieldRule> = { s: 'str', E: 'int', b: 'dec', B: 'dec', a: 'dec', A: 'dec' };
const DEPTH: Record<string, FieldRule> = { s: 'str', E: 'int', U: 'int', u: 'int', pu: 'int' };
const MARK_PRICE: Record<string, FieldRule> = { s: 'str', E: 'int', p: 'dec', i: 'optDec', T: 'optInt' };

function sequenceGap(
  symbol: string,
  market: string,
  stream: string,
  startTs: number,
  localTs: number,
  seqBefore: number,
  seqAfter: number,
): GapEvent {
  return gapEvent({
    exchange: EXCHANGE,
    symbol,
    market,
    stream,
    start_ts: startTs,
    end_ts: localTs,
    seq_before: seqBefore,
    seq_after: seqAfter,
    cause: 'sequence',
  });
}

/** True when the combined-stream name is a partial-book stream (`@depth5`, `@depth10@100ms`…). */
function isPartialDepthStream(stream: string): boolean {
  const at = stream.indexOf('@depth');
  if (at < 0) return false;
  const c = stream.charCodeAt(at + 6);
  return c >= 48 && c <= 57;
}

class BinanceUsdmParser implements ExchangeParser {
  readonly exchange = EXCHANGE;
  private readonly tickers = new MergedTickers(EXCHANGE);
  private readonly aggTrades = new SequenceTracker();
  private readonly trades = new SequenceTracker();
  private readonly partialDepth = new SequenceTracker();
  private readonly books = new DiffDepthBooks();

  constructor(private readonly instruments: InstrumentBook) {}

  parseFrame(text: string, localTs: number, emit: EventSink): FrameResult {
    const msg = parseJson(text, 'frame');
    if (Array.isArray(msg)) return this.payloads(msg, '', localTs, emit);
    if (!isObject(msg)) throw parseError(`binance-usdm frame: not a JSON object: ${text.slice(0, 60)}`, EXCHANGE);
    const payload = msg.data;
    if (payload !== undefined) {
      const stream = str(msg, 'stream', 'frame');
      if (Array.isArray(payload)) return this.payloads(payload, stream, localTs, emit);
      return this.payload(obj(msg, 'data', stream), stream, localTs, emit);
    }
    if (msg.e !== undefined) return this.payload(msg, '', localTs, emit);
    return control(msg);
  }

  parseRest(url: string, body: string, localTs: number, emit: EventSink): FrameResult {
    return parseRestBody(this.instruments, this.tickers, this.books, url, body, localTs, emit);
  }

  /**
   * Forget sequence numbers and books: after a reconnect the exchange starts new sequences.
   * The merged ticker values stay: they are the last known values (open interest comes from
   * REST, not from this connection), which is what derivative_ticker promises.
   */
  reset(): void {
    this.aggTrades.clear();
    this.trades.clear();
    this.partialDepth.clear();
    this.books.clear();
  }

  /** `!markPrice@arr` and other array streams: one payload per element. */
  private payloads(items: unknown[], stream: string, localTs: number, emit: EventSink): FrameResult {
    let events = 0;
    let any = false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isObject(item)) throw badField(stream || 'array', `data[${i}]`, item, 'an object');
      const r = this.payload(item, stream, localTs, emit);
      if (r.type === 'data') {
        any = true;
        events += r.events;
      }
    }
    return any ? data(events) : IGNORED;
  }

  private payload(p: Json, stream: string, localTs: number, emit: EventSink): FrameResult {
    switch (p.e) {
      case 'aggTrade':
        return this.trade(p, 'aggTrade', p.a, localTs, emit);
      case 'trade':
        return this.trade(p, 'trade', p.t, localTs, emit);
      case 'bookTicker':
        return this.bookTicker(p, localTs, emit);
      case 'depthUpdate':
        if (stream === '') return IGNORED;
        return isPartialDepthStream(stream) ? this.partialBook(p, localTs, emit) : this.diffBook(p, localTs, emit);
      case 'markPriceUpdate':
        return this.markPrice(p, localTs, emit);
      case '24hrTicker':
        return this.dayTicker(p);
      case 'forceOrder':
        return this.forceOrder(p, localTs, emit);
      default:
        if (typeof p.e !== 'string') throw badField(stream || 'payload', 'e', p.e, 'an event type string');
        return IGNORED;
    }
  }

  /** aggTrade (id `a`, absent in 2019 frames) and trade (id `t`): one trade each, ids consecutive. */
  private trade(p: Json, stream: 'aggTrade' | 'trade', id: unknown, localTs: number, emit: EventSink): FrameResult {
    const { s: symbol, p: price, q: qty, T: ts, m: buyerIsMaker } = p;
    if (
      typeof symbol !== 'string' ||
      symbol === '' ||
      !isDecimal(price) ||
      !isDecimal(qty) ||
      !isInt(ts) ||
      typeof buyerIsMaker !== 'boolean' ||
      (id === undefined ? stream === 'trade' : !isInt(id))
    ) {
      throw explain(p, stream, stream === 'aggTrade' ? AGG_TRADE : TRADE);
    }
    const market = this.instruments.get(symbol).market;
    let events = 0;
    if (id !== undefined) {
      const seq = id as number;
      const tracker = stream === 'aggTrade' ? this.aggTrades : this.trades;
      const verdict = tracker.observe(symbol, seq - 1, seq, localTs);
      if (verdict === 'old') return IGNORED;
      if (verdict === 'gap') {
        emit(sequenceGap(symbol, market, stream, tracker.gapStartTs, localTs, tracker.gapSeqBefore, seq));
        events++;
      }
    }
    if (p.X !== undefined && p.X !== 'MARKET') return events > 0 ? data(events) : IGNORED;
    emit({
      kind: 'trade',
      exchange: EXCHANGE,
      symbol,
      market,
      ts,
      local_ts: localTs,
      id: id === undefined ? null : String(id),
      price,
      qty,
      side: buyerIsMaker ? 'sell' : 'buy',
    });
    return data(events + 1);
  }

  private bookTicker(p: Json, localTs: number, emit: EventSink): FrameResult {
    const { s: symbol, E: ts, b, B, a, A } = p;
    if (
      typeof symbol !== 'string' ||
      symbol === '' ||
      !isInt(ts) ||
      !isDecimal(b) ||
      !isDecimal(B) ||
      !isDecimal(a) ||
      !isDecimal(A)
    ) {
      throw explain(p, 'bookTicker', BOOK_TICKER);
    }
    emit({
      kind: 'book_ticker',
      exchange: EXCHANGE,
      symbol,
      market: this.instruments.get(symbol).market,
      ts,
      local_ts: localTs,
      bid_price: b,
      bid_qty: B,
      ask_price: a,
      ask_qty: A,
    });
    return data(1);
  }

  /** `@depth5@100ms`: each frame is the whole top-N book, so a gap never silences it. */
  private partialBook(p: Json, localTs: number, emit: EventSink): FrameResult {
    const { s: symbol, E: ts, U, u, pu } = p;
    if (typeof symbol !== 'string' || symbol === '' || !isInt(ts) || !isInt(U) || !isInt(u) || !isInt(pu))
      throw explain(p, 'depth', DEPTH);
    const bids = levels(p, 'b', 'depth');
    const asks = levels(p, 'a', 'depth');
    const market = this.instruments.get(symbol).market;
    const verdict = this.partialDepth.observe(symbol, pu, u, localTs);
    if (verdict === 'old') return IGNORED;
    let events = 1;
    if (verdict === 'gap') {
      const t = this.partialDepth;
      emit(sequenceGap(symbol, market, 'depth', t.gapStartTs, localTs, t.gapSeqBefore, U));
      events++;
    }
    emit({ kind: 'book_top', exchange: EXCHANGE, symbol, market, ts, local_ts: localTs, bids, asks });
    return data(events);
  }

  private diffBook(p: Json, localTs: number, emit: EventSink): FrameResult {
    const { s: symbol, E: ts, U, u, pu } = p;
    if (typeof symbol !== 'string' || symbol === '' || !isInt(ts) || !isInt(U) || !isInt(u) || !isInt(pu))
      throw explain(p, 'depth', DEPTH);
    const bids = levels(p, 'b', 'depth');
    const asks = levels(p, 'a', 'depth');
    const books = this.books;
    const verdict = books.apply(symbol, U, u, pu, bids, asks, localTs);
    if (verdict === 'old' || verdict === 'unsynced') return IGNORED;
    const market = this.instruments.get(symbol).market;
    if (verdict === 'gap') {
      emit(sequenceGap(symbol, market, 'depth', books.gapStartTs, localTs, books.gapSeqBefore, U));
      return data(1);
    }
    const book = books.book(symbol)!;
    emit({
      kind: 'book_top',
      exchange: EXCHANGE,
      symbol,
      market,
      ts,
      local_ts: localTs,
      bids: book.bids.top(BOOK_TOP_LEVELS),
      asks: book.asks.top(BOOK_TOP_LEVELS),
    });
    return data(1);
  }

  private markPrice(p: Json, localTs: number, emit: EventSink): FrameResult {
    // 2019 frames have no index price (`i`): the last known one stays.
    const { s: symbol, E: ts, p: mark, i: index, r: rate, T: nextTs } = p;
    if (
      typeof symbol !== 'string' ||
      symbol === '' ||
      !isInt(ts) ||
      !isDecimal(mark) ||
      (index !== undefined && !isDecimal(index)) ||
      (nextTs !== undefined && !isInt(nextTs))
    ) {
      throw explain(p, 'markPriceUpdate', MARK_PRICE);
    }
    if (rate !== undefined && rate !== '' && !isDecimal(rate))
      throw badField('markPriceUpdate', 'r', rate, 'a decimal string or ""');
    this.tickers.merge(symbol, {
      mark_price: mark,
      index_price: index as Dec | undefined,
      ...fundingUpdate(rate, nextTs),
    });
    emit(this.tickers.event(symbol, this.instruments.get(symbol).market, ts, localTs));
    return data(1);
  }

  /** Only the last price is kept (see the header): the next markPrice event carries it. */
  private dayTicker(p: Json): FrameResult {
    const symbol = str(p, 's', '24hrTicker');
    const last = dec(p, 'c', '24hrTicker');
    this.tickers.merge(symbol, { last_price: last });
    return data(0);
  }

  private forceOrder(p: Json, localTs: number, emit: EventSink): FrameResult {
    const o = obj(p, 'o', 'forceOrder');
    const symbol = str(o, 's', 'forceOrder');
    const side = o.S;
    if (side !== 'SELL' && side !== 'BUY') throw badField('forceOrder', 'o.S', side, '"BUY" or "SELL"');
    const limitPrice = dec(o, 'p', 'forceOrder');
    const origQty = dec(o, 'q', 'forceOrder');
    const avgPrice = optDec(o, 'ap', 'forceOrder');
    const filledQty = optDec(o, 'z', 'forceOrder');
    emit({
      kind: 'liquidation',
      exchange: EXCHANGE,
      symbol,
      market: this.instruments.get(symbol).market,
      ts: int(o, 'T', 'forceOrder'),
      local_ts: localTs,
      id: null,
      price: nonZeroOr(avgPrice, limitPrice),
      qty: nonZeroOr(filledQty, origQty),
      side: side === 'SELL' ? 'sell' : 'buy',
    });
    return data(1);
  }
}

function nonZeroOr(value: Dec | undefined, fallback: Dec): Dec {
  return value === undefined || isZeroDecimal(value) ? fallback : value;
}

/** Replies to our own requests: `{"result":…,"id":n}` acks, `{"error":{code,msg},"id":n}` refusals. */
function control(msg: Json): FrameResult {
  const error = msg.error;
  if (error !== undefined) {
    const e = isObject(error) ? error : {};
    return {
      type: 'rejected',
      message: `binance error ${String(e.code ?? '?')}: ${String(e.msg ?? JSON.stringify(error))} (request id ${String(msg.id)})`,
    };
  }
  // The docs' error table shows the bare form {"code":2,"msg":"…"}.
  if (typeof msg.code === 'number' && typeof msg.msg === 'string') {
    return { type: 'rejected', message: `binance error ${msg.code}: ${msg.msg}` };
  }
  if ('result' in msg && 'id' in msg) return ACK;
  throw parseError(
    'binance-usdm frame: neither a market payload ("e"/"data") nor a request reply ("result"/"error")',
    EXCHANGE,
  );
}

export function createParser(instruments: InstrumentBook): ExchangeParser {
  return new BinanceUsdmParser(instruments);
}
