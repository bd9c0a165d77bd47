/**
 * `tickers.{symbol}` → `derivative_ticker` and `open_interest`, merged exactly as Bybit defines it:
 * a snapshot replaces the cached state of the symbol; a delta overwrites only the keys it carries
 * (a present "" replaces too, and means "not applicable": null); an absent key keeps its value.
 * Only the keys we normalize are cached, which gives the same result as caching the whole object.
 *
 * - derivative_ticker is emitted when one of its fields changed (most deltas move only bid1/ask1,
 *   which we take from orderbook.1 instead).
 * - open_interest is emitted when openInterest changed, with the merged openInterestValue.
 * - `cs` (cross sequence) is not contiguous, so it cannot reveal a loss; it must increase within a
 *   snapshot's life, and a delta with an older or equal cs is dropped (`ignored`). A snapshot is
 *   always taken: it replaces everything, whatever its cs.
 * - A delta before any snapshot of its symbol cannot be merged (its absent keys are unknown): it
 *   is well-formed, so it returns `ignored` (the connection counts those) rather than an error.
 */
import type { Dec, EventSink } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import { MergedTickers } from '../shared/ticker-merge.ts';
import type { FrameResult } from '../types.ts';
import { decOrEmpty, int, invalid, msOrEmpty, obj, str, type Json } from './fields.ts';

/** What Bybit merges beside the shared ticker fields, with the same snapshot/delta rule. */
interface BybitTickerState {
  /** Cross sequence of the last merged frame. */
  cs: number;
  oiValue: Dec | null;
}

export class Tickers {
  private readonly merged = new MergedTickers('bybit-linear');
  private readonly states = new Map<string, BybitTickerState>();

  constructor(private readonly instruments: InstrumentBook) {}

  reset(): void {
    this.merged.clear();
    this.states.clear();
  }

  handle(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const ts = int(msg, 'ts', 'tickers');
    const cs = int(msg, 'cs', 'tickers');
    const type = msg.type;
    if (type !== 'snapshot' && type !== 'delta') throw invalid('tickers type', '"snapshot" or "delta"', type);
    const data = obj(msg, 'data', 'tickers');
    const symbol = str(data, 'symbol', 'tickers data');
    const prev = this.states.get(symbol);
    if (type === 'delta' && (prev === undefined || cs <= prev.cs)) return { type: 'ignored' };

    // Every key is checked before the state changes, so a malformed frame leaves it intact.
    const update = {
      mark_price: decOrEmpty(data, 'markPrice', 'tickers data'),
      index_price: decOrEmpty(data, 'indexPrice', 'tickers data'),
      last_price: decOrEmpty(data, 'lastPrice', 'tickers data'),
      funding_rate: decOrEmpty(data, 'fundingRate', 'tickers data'),
      next_funding_ts: msOrEmpty(data, 'nextFundingTime', 'tickers data'),
      open_interest: decOrEmpty(data, 'openInterest', 'tickers data'),
    };
    const oiValue = decOrEmpty(data, 'openInterestValue', 'tickers data');

    const base = type === 'snapshot' ? undefined : prev;
    const oiBefore = this.merged.get(symbol).open_interest;
    const changed = this.merged.merge(symbol, update, base === undefined);
    const oi = this.merged.get(symbol).open_interest;
    const value = oiValue !== undefined ? oiValue : base ? base.oiValue : null;
    this.states.set(symbol, { cs, oiValue: value });

    let events = 0;
    if (changed) {
      // Bybit publishes no predicted rate: fundingRate already is the rate of the coming funding.
      emit(this.merged.event(symbol, this.instruments.get(symbol).market, ts, localTs));
      events++;
    }
    if (oi !== oiBefore && oi !== null) {
      emit({
        kind: 'open_interest',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts,
        local_ts: localTs,
        open_interest: oi,
        value,
      });
      events++;
    }
    return { type: 'data', events };
  }
}
