/**
 * `orderbook.1.{symbol}` → `book_ticker`. The only source of Bybit best bid/ask (the tickers topic
 * also carries bid1/ask1, but two sources for one series would disagree in time).
 *
 * Current level-1 frames are snapshots of one level a side; older recordings also hold deltas,
 * where a side may list a deleted level (size "0") before its replacement or be empty when it did
 * not change. So each side is the first non-zero level, or the previous value when there is none.
 * Bybit re-pushes an unchanged level-1 book every 3 s with the same `u`: such a frame is a
 * duplicate and returns `ignored`. A side never seen yet (a delta before any snapshot) leaves
 * nothing to emit, also `ignored`.
 */
import type { Dec, EventSink } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import type { FrameResult } from '../types.ts';
import { int, invalid, levels, obj, str, type Json } from './fields.ts';

interface TopState {
  u: number;
  bid: [Dec, Dec] | undefined;
  ask: [Dec, Dec] | undefined;
}

function firstNonZero(side: [Dec, Dec][]): [Dec, Dec] | undefined {
  for (let i = 0; i < side.length; i++) {
    if (Number(side[i][1]) !== 0) return side[i];
  }
  return undefined;
}

export class BookTickers {
  private readonly states = new Map<string, TopState>();

  constructor(private readonly instruments: InstrumentBook) {}

  reset(): void {
    this.states.clear();
  }

  handle(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const ts = int(msg, 'ts', 'orderbook.1');
    const type = msg.type;
    if (type !== 'snapshot' && type !== 'delta') throw invalid('orderbook.1 type', '"snapshot" or "delta"', type);
    const data = obj(msg, 'data', 'orderbook.1');
    const symbol = str(data, 's', 'orderbook.1 data');
    const u = int(data, 'u', 'orderbook.1 data');
    const bids = levels(data, 'b', 'orderbook.1 data');
    const asks = levels(data, 'a', 'orderbook.1 data');

    let state = this.states.get(symbol);
    if (state !== undefined && state.u === u) return { type: 'ignored' };
    if (state === undefined) {
      state = { u, bid: undefined, ask: undefined };
      this.states.set(symbol, state);
    }
    state.u = u;
    const bid = firstNonZero(bids) ?? state.bid;
    const ask = firstNonZero(asks) ?? state.ask;
    state.bid = bid;
    state.ask = ask;
    if (bid === undefined || ask === undefined) return { type: 'ignored' };
    emit({
      kind: 'book_ticker',
      exchange: 'bybit-linear',
      symbol,
      market: this.instruments.get(symbol).market,
      ts,
      local_ts: localTs,
      bid_price: bid[0],
      bid_qty: bid[1],
      ask_price: ask[0],
      ask_qty: ask[1],
    });
    return { type: 'data', events: 1 };
  }
}
