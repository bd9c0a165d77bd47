/**
 * `orderbook.50.{symbol}` → `book_top` (5 levels a side) from a local book per symbol.
 *
 * Bybit numbers each frame with the update id `u`: a delta must carry the previous u + 1. A jump
 * means a lost frame: we emit a `gap` (cause 'sequence') and stop emitting book_top for that
 * symbol until the next snapshot, because the book cannot be rebuilt from deltas alone. An old or
 * repeated u is dropped as a duplicate (no gap). `u == 1` means Bybit's book service restarted:
 * that frame overwrites the book like a snapshot does.
 *
 * book_top is emitted when the top 5 levels differ from the last book_top of that symbol (always
 * after a re-sync): orderbook.50 sends a frame every 20 ms and most of them move levels deeper
 * than 5, which would otherwise be stored as identical rows.
 */
import { gapEvent, type Dec, type EventSink } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import type { FrameResult } from '../types.ts';
import { int, invalid, levels, obj, str, type Json } from './fields.ts';
import { OrderBook, pairLevel } from '../shared/order-book.ts';

const TOP_LEVELS = 5;

interface DepthState {
  /** Cut to the subscribed depth, as the exchange's own window is. */
  book: OrderBook<[Dec, Dec]>;
  /** Update id of the last applied frame. */
  u: number;
  /** False after a sequence break, until a snapshot arrives. */
  synced: boolean;
  /** Receipt time of the last applied frame: the start of a gap found after it. */
  lastLocalTs: number;
  /** Last emitted top levels; null forces the next book_top out. */
  lastBids: [Dec, Dec][] | null;
  lastAsks: [Dec, Dec][] | null;
}

function sameLevels(a: [Dec, Dec][] | null, b: [Dec, Dec][]): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) {
    if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  }
  return true;
}

export class DepthBooks {
  private readonly states = new Map<string, DepthState>();

  constructor(
    private readonly instruments: InstrumentBook,
    /** Channel name as in the topic, e.g. `orderbook.50`; also the gap's `stream`. */
    private readonly stream: string,
    private readonly depth: number,
  ) {}

  reset(): void {
    this.states.clear();
  }

  handle(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const ts = int(msg, 'ts', 'orderbook');
    const type = msg.type;
    if (type !== 'snapshot' && type !== 'delta') throw invalid('orderbook type', '"snapshot" or "delta"', type);
    const data = obj(msg, 'data', 'orderbook');
    const symbol = str(data, 's', 'orderbook data');
    const u = int(data, 'u', 'orderbook data');
    const bids = levels(data, 'b', 'orderbook data');
    const asks = levels(data, 'a', 'orderbook data');

    let state = this.states.get(symbol);
    const overwrite = type === 'snapshot' || u === 1;
    let events = 0;
    if (!overwrite) {
      // A delta needs a synced book; before the first snapshot (or after a break) it cannot apply.
      if (state === undefined || !state.synced) return { type: 'ignored' };
      if (u <= state.u) return { type: 'ignored' };
      if (u !== state.u + 1) {
        emit(
          gapEvent({
            exchange: 'bybit-linear',
            symbol,
            market: this.instruments.get(symbol).market,
            stream: this.stream,
            start_ts: state.lastLocalTs,
            end_ts: localTs,
            seq_before: state.u,
            seq_after: u,
            cause: 'sequence',
          }),
        );
        state.synced = false;
        state.lastBids = null;
        state.lastAsks = null;
        return { type: 'data', events: 1 };
      }
    }
    if (state === undefined) {
      state = {
        book: new OrderBook({ makeLevel: pairLevel, depth: this.depth }),
        u,
        synced: true,
        lastLocalTs: localTs,
        lastBids: null,
        lastAsks: null,
      };
      this.states.set(symbol, state);
    }
    if (overwrite) {
      state.book.clear();
      state.synced = true;
    }
    state.book.apply(bids, asks);
    state.u = u;
    state.lastLocalTs = localTs;

    const topBids = state.book.bids.top(TOP_LEVELS);
    const topAsks = state.book.asks.top(TOP_LEVELS);
    if (!sameLevels(state.lastBids, topBids) || !sameLevels(state.lastAsks, topAsks)) {
      state.lastBids = topBids;
      state.lastAsks = topAsks;
      emit({
        kind: 'book_top',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts,
        local_ts: localTs,
        bids: topBids,
        asks: topAsks,
      });
      events++;
    }
    return { type: 'data', events };
  }
}
