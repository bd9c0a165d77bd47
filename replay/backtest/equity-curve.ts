/**
 * The equity curve: equity sampled at every interval boundary (aligned to epoch multiples of
 * the interval) plus the first and last event. A boundary's point is taken before the first
 * event at or after it is applied, so it values the account with prices known at that time.
 */
import { FbError } from '../../core/errors.ts';

/** Most points an equity curve may hold: beyond this the interval is too fine for the session. */
export const MAX_EQUITY_POINTS = 1_000_000;
/**
 * A silence longer than this many intervals (a recording of sessions far apart in time) is
 * not sampled interval by interval: one point closes it, so the curve and the per-interval
 * return statistics describe the recorded time, not years of nothing.
 */
export const QUIET_STRETCH_INTERVALS = 10_000;

export interface EquityPoint {
  ts: number;
  equity: number;
}

export class EquityCurve {
  readonly points: EquityPoint[] = [];
  private nextBoundary = Infinity;

  constructor(private readonly intervalMs: number) {}

  /** Call before applying the event received at `ts`. */
  advance(ts: number, equity: () => number): void {
    if (this.points.length === 0) {
      this.points.push({ ts, equity: equity() });
      this.nextBoundary = (Math.floor(ts / this.intervalMs) + 1) * this.intervalMs;
      return;
    }
    if (ts < this.nextBoundary) return;
    const value = equity();
    const adding = Math.floor((ts - this.nextBoundary) / this.intervalMs) + 1;
    if (adding > QUIET_STRETCH_INTERVALS) {
      const last = this.nextBoundary + (adding - 1) * this.intervalMs;
      this.points.push({ ts: last, equity: value });
      this.nextBoundary = last + this.intervalMs;
      return;
    }
    if (this.points.length + adding > MAX_EQUITY_POINTS)
      throw new FbError(
        'E_BACKTEST_PARAM',
        `interval: ${this.intervalMs} ms splits this session into more than ${MAX_EQUITY_POINTS.toLocaleString('en')} periods ` +
          `(it spans ${Math.round((ts - this.points[0].ts) / 86_400_000)} days); use a longer --param interval or narrow --from/--to`,
      );
    // A quiet stretch (or a gap) spanning several intervals: equity did not change in them.
    for (; this.nextBoundary <= ts; this.nextBoundary += this.intervalMs)
      this.points.push({ ts: this.nextBoundary, equity: value });
  }

  /** The closing point at the last event's receipt time. */
  finish(ts: number, equity: number): void {
    const last = this.points[this.points.length - 1];
    if (last && last.ts === ts) last.equity = equity;
    else this.points.push({ ts, equity });
  }
}
