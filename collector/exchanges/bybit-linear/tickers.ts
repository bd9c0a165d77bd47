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
import type { FrameResult } from '../types.ts';
import { decOrEmpty, int, invalid, msText, obj, str, type Json } from './fields.ts';

interface TickerState {
  cs: number;
  mark: Dec | null;
  index: Dec | null;
  last: Dec | null;
  funding: Dec | null;
  nextFunding: number | null;
  oi: Dec | null;
  oiValue: Dec | null;
}

/** The state before a symbol's first snapshot. */
const EMPTY: TickerState = {
  cs: 0,
  mark: null,
  index: null,
  last: null,
  funding: null,
  nextFunding: null,
  oi: null,
  oiValue: null,
};

/** A decimal key of a frame: undefined when absent (keep the old value), null for "". */
function decKey(value: unknown, field: string): Dec | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'decimal text or ""', value);
  return decOrEmpty(value, field);
}

function msKey(value: unknown, field: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'millisecond digits or ""', value);
  return value === '' ? null : msText(value, field);
}

export class Tickers {
  private readonly states = new Map<string, TickerState>();

  constructor(private readonly instruments: InstrumentBook) {}

  reset(): void {
    this.states.clear();
  }

  handle(msg: Json, localTs: number, emit: EventSink): FrameResult {
    const ts = int(msg.ts, 'tickers ts');
    const cs = int(msg.cs, 'tickers cs');
    const type = msg.type;
    if (type !== 'snapshot' && type !== 'delta') throw invalid('tickers type', '"snapshot" or "delta"', type);
    const data = obj(msg.data, 'tickers data');
    const symbol = str(data.symbol, 'tickers data.symbol');
    const prev = this.states.get(symbol);
    if (type === 'delta' && (prev === undefined || cs <= prev.cs)) return { type: 'ignored' };

    // Every key is checked before the state changes, so a malformed frame leaves it intact.
    const mark = decKey(data.markPrice, 'tickers data.markPrice');
    const index = decKey(data.indexPrice, 'tickers data.indexPrice');
    const last = decKey(data.lastPrice, 'tickers data.lastPrice');
    const funding = decKey(data.fundingRate, 'tickers data.fundingRate');
    const nextFunding = msKey(data.nextFundingTime, 'tickers data.nextFundingTime');
    const oi = decKey(data.openInterest, 'tickers data.openInterest');
    const oiValue = decKey(data.openInterestValue, 'tickers data.openInterestValue');

    const base = type === 'snapshot' || prev === undefined ? null : prev;
    const next: TickerState = {
      cs,
      mark: mark !== undefined ? mark : base ? base.mark : null,
      index: index !== undefined ? index : base ? base.index : null,
      last: last !== undefined ? last : base ? base.last : null,
      funding: funding !== undefined ? funding : base ? base.funding : null,
      nextFunding: nextFunding !== undefined ? nextFunding : base ? base.nextFunding : null,
      oi: oi !== undefined ? oi : base ? base.oi : null,
      oiValue: oiValue !== undefined ? oiValue : base ? base.oiValue : null,
    };
    this.states.set(symbol, next);

    const was = prev ?? EMPTY;
    let events = 0;
    if (
      next.mark !== was.mark ||
      next.index !== was.index ||
      next.last !== was.last ||
      next.funding !== was.funding ||
      next.nextFunding !== was.nextFunding ||
      next.oi !== was.oi
    ) {
      emit({
        kind: 'derivative_ticker',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts,
        local_ts: localTs,
        mark_price: next.mark,
        index_price: next.index,
        last_price: next.last,
        funding_rate: next.funding,
        // Bybit publishes no predicted rate: fundingRate already is the rate of the coming funding.
        predicted_rate: null,
        next_funding_ts: next.nextFunding,
        open_interest: next.oi,
      });
      events++;
    }
    if (next.oi !== was.oi && next.oi !== null) {
      emit({
        kind: 'open_interest',
        exchange: 'bybit-linear',
        symbol,
        market: this.instruments.get(symbol).market,
        ts,
        local_ts: localTs,
        open_interest: next.oi,
        value: next.oiValue,
      });
      events++;
    }
    return { type: 'data', events };
  }
}
