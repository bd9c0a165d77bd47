/**
 * Forward returns of a market's alerts: the price change from the close of the alert's bucket
 * to the close of the first bucket starting 5, 15 and 60 minutes later, filled in as those
 * buckets close. Event time only, so live and replay agree. Pending returns are lost when the
 * engine restarts (they stay NULL), exactly as a collector restart loses them.
 */
import { FORWARD_HORIZONS, type AlertKey, type ForwardReturnUpdate } from './types.ts';

interface Pending {
  key: AlertKey;
  price: number;
  /** Index into FORWARD_HORIZONS of the next horizon to fill. */
  next: number;
}

export class ForwardReturns {
  private pending: Pending[] = [];

  track(key: AlertKey, price: number | null): void {
    if (price !== null && price > 0) this.pending.push({ key, price, next: 0 });
  }

  clear(): void {
    this.pending = [];
  }

  /** A bucket of this market closed at `price`: emit every horizon it completes. */
  onClose(bucketTs: number, price: number, out: ForwardReturnUpdate[]): void {
    if (this.pending.length === 0 || !(price > 0)) return;
    for (const p of this.pending) {
      while (p.next < FORWARD_HORIZONS.length && bucketTs >= p.key.bucket_ts + FORWARD_HORIZONS[p.next].ms) {
        out.push({ alert: p.key, column: FORWARD_HORIZONS[p.next].column, value: (price / p.price - 1) * 100 });
        p.next++;
      }
    }
    this.pending = this.pending.filter((p) => p.next < FORWARD_HORIZONS.length);
  }
}
