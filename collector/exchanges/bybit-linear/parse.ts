/**
 * Bybit v5 public linear frames → normalized events (../shared/samples/PROTOCOLS.md §2, §4).
 *
 * - publicTrade.{s}: `data` array, `S` is the TAKER side → trade (id = `i`; `seq` is informational:
 *   several frames share one, so it reveals nothing about loss).
 * - tickers.{s}: snapshot + delta merge → derivative_ticker, open_interest (tickers.ts).
 * - allLiquidation.{s}: `data` array, `S` is the POSITION side ("Buy" = a long was liquidated) →
 *   liquidation whose side is the liquidation ORDER side, so it is inverted (Buy → sell).
 *   Price `p` is the bankruptcy price. Legacy liquidation.{s} (data object, deprecated 2025-02-26)
 *   is read the same way for old recordings.
 * - orderbook.1.{s} → book_ticker (book-ticker.ts); orderbook.50.{s} → book_top (depth.ts).
 * - Control frames: subscribe ack, pong (`ret_msg:"pong"` or `op:"pong"`), refusal (`success:false`).
 * Other topics (kline, other depths) are `ignored`. Every element of a frame is checked before its
 * first event is emitted, so a malformed element never leaves half a frame recorded.
 */
import type { EventSink, LiquidationEvent, TradeEvent } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import type { ExchangeParser, FrameResult } from '../types.ts';
import { BookTickers } from './book-ticker.ts';
import { DepthBooks } from './depth.ts';
import { arr, bybitSide, dec, int, invalid, obj, parseObject, str, type Json } from './fields.ts';
import { parseRest } from './rest.ts';
import { Tickers } from './tickers.ts';

/** Depth of the local book we subscribe to (orderbook.50). */
export const BOOK_DEPTH = 50;
const BOOK_DEPTH_TEXT = String(BOOK_DEPTH);

function control(msg: Json): FrameResult {
  const retMsg = typeof msg.ret_msg === 'string' ? msg.ret_msg : '';
  if (msg.success === false) return { type: 'rejected', message: `${String(msg.op)} refused: ${retMsg}` };
  if (msg.op === 'pong' || retMsg === 'pong') return { type: 'pong' };
  if (msg.success === true) return { type: 'ack' };
  throw invalid('frame', 'a topic, or a control reply with op and success', msg.op);
}

const SIDE_OF_LIQUIDATED_POSITION = { buy: 'sell', sell: 'buy' } as const;

class BybitLinearParser implements ExchangeParser {
  readonly exchange = 'bybit-linear' as const;
  private readonly tickers: Tickers;
  private readonly bookTickers: BookTickers;
  private readonly depth: DepthBooks;
  /** Scratch list reused across frames: events of the frame being checked. */
  private readonly trades: TradeEvent[] = [];
  private readonly liquidations: LiquidationEvent[] = [];

  constructor(private readonly instruments: InstrumentBook) {
    this.tickers = new Tickers(instruments);
    this.bookTickers = new BookTickers(instruments);
    this.depth = new DepthBooks(instruments, `orderbook.${BOOK_DEPTH}`, BOOK_DEPTH);
  }

  parseFrame(text: string, localTs: number, emit: EventSink): FrameResult {
    const msg = parseObject(text, 'frame');
    const topic = msg.topic;
    if (topic === undefined) return control(msg);
    if (typeof topic !== 'string') throw invalid('topic', 'a string', topic);
    const dot = topic.indexOf('.');
    switch (dot < 0 ? topic : topic.slice(0, dot)) {
      case 'publicTrade':
        return this.parseTrades(msg, localTs, emit);
      case 'tickers':
        return this.tickers.handle(msg, localTs, emit);
      case 'allLiquidation':
        return this.parseAllLiquidation(msg, localTs, emit);
      case 'liquidation':
        return this.parseLegacyLiquidation(msg, localTs, emit);
      case 'orderbook': {
        // orderbook.{depth}.{symbol}
        const end = topic.indexOf('.', dot + 1);
        const depth = end < 0 ? '' : topic.slice(dot + 1, end);
        if (depth === '1') return this.bookTickers.handle(msg, localTs, emit);
        if (depth === BOOK_DEPTH_TEXT) return this.depth.handle(msg, localTs, emit);
        return { type: 'ignored' };
      }
      default:
        return { type: 'ignored' };
    }
  }

  parseRest(url: string, body: string, localTs: number, emit: EventSink): FrameResult {
    return parseRest(url, body, localTs, this.instruments, emit);
  }

  reset(): void {
    this.tickers.reset();
    this.bookTickers.reset();
    this.depth.reset();
  }

  private parseTrades(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const data = arr(msg, 'data', 'publicTrade');
    const out = this.trades;
    out.length = 0;
    for (let i = 0; i < data.length; i++) {
      const t = obj(data, i, 'publicTrade data');
      const symbol = str(t, 's', 'publicTrade data[]');
      const id = t.i;
      if (id !== undefined && typeof id !== 'string') throw invalid('publicTrade data[].i', 'a string', id);
      out.push({
        kind: 'trade',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts: int(t, 'T', 'publicTrade data[]'),
        local_ts: localTs,
        id: id ?? null,
        price: dec(t, 'p', 'publicTrade data[]'),
        qty: dec(t, 'v', 'publicTrade data[]'),
        side: bybitSide(t, 'S', 'publicTrade data[]'),
      });
    }
    return this.flush(out, emit);
  }

  private parseAllLiquidation(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const data = arr(msg, 'data', 'allLiquidation');
    const out = this.liquidations;
    out.length = 0;
    for (let i = 0; i < data.length; i++) {
      const l = obj(data, i, 'allLiquidation data');
      const symbol = str(l, 's', 'allLiquidation data[]');
      out.push({
        kind: 'liquidation',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts: int(l, 'T', 'allLiquidation data[]'),
        local_ts: localTs,
        id: null,
        price: dec(l, 'p', 'allLiquidation data[]'),
        qty: dec(l, 'v', 'allLiquidation data[]'),
        side: SIDE_OF_LIQUIDATED_POSITION[bybitSide(l, 'S', 'allLiquidation data[]')],
      });
    }
    return this.flush(out, emit);
  }

  private parseLegacyLiquidation(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const l = obj(msg, 'data', 'liquidation');
    const symbol = str(l, 'symbol', 'liquidation data');
    emit({
      kind: 'liquidation',
      exchange: 'bybit-linear',
      symbol,
      market: this.instruments.get(symbol).market,
      ts: int(l, 'updatedTime', 'liquidation data'),
      local_ts: localTs,
      id: null,
      price: dec(l, 'price', 'liquidation data'),
      qty: dec(l, 'size', 'liquidation data'),
      side: SIDE_OF_LIQUIDATED_POSITION[bybitSide(l, 'side', 'liquidation data')],
    });
    return { type: 'data', events: 1 };
  }

  private flush(events: (TradeEvent | LiquidationEvent)[], emit: EventSink): FrameResult {
    for (let i = 0; i < events.length; i++) emit(events[i]);
    return { type: 'data', events: events.length };
  }
}

export function createParser(instruments: InstrumentBook): ExchangeParser {
  return new BybitLinearParser(instruments);
}
