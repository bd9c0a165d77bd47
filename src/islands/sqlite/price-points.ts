/**
 * Price points for the charts from replayed events: the last trade price or book mid per
 * instrument per bucket of receipt time (a second while replaying; coarser for a whole backtest,
 * so a day's chart stays a few thousand points).
 */
import type { RecordedEvent } from '../../../core/events.ts';
import type { PricePoint } from './protocol.ts';

export class PricePoints {
  private points: PricePoint[] = [];
  /** The newest point per instrument, while it is in the current bucket. */
  private readonly open = new Map<string, { bucket: number; point: PricePoint }>();

  constructor(private readonly bucketMs = 1000) {}

  add(e: RecordedEvent): void {
    const v =
      e.kind === 'trade'
        ? Number(e.price)
        : e.kind === 'book_ticker'
          ? (Number(e.bid_price) + Number(e.ask_price)) / 2
          : NaN;
    if (!Number.isFinite(v)) return;
    const key = `${e.exchange}|${e.market}`;
    const bucket = Math.floor(e.local_ts / this.bucketMs);
    const last = this.open.get(key);
    // Same bucket: the newer price replaces the point (one already posted to the page keeps its value).
    if (last?.bucket === bucket) {
      last.point.v = v;
      return;
    }
    const point = { exchange: e.exchange, market: e.market, t: e.local_ts, v };
    this.open.set(key, { bucket, point });
    this.points.push(point);
  }

  /** The points added since the last take. */
  take(): PricePoint[] {
    const out = this.points;
    this.points = [];
    return out;
  }

  clear(): void {
    this.points = [];
    this.open.clear();
  }
}
