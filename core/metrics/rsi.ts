/**
 * RSI(period) with Wilder's smoothing on candles of `bucketsPerCandle` buckets aligned to the
 * epoch (floor(bucket / bucketsPerCandle)). The first value needs `period` changes seeded as a
 * simple average; after that each closed candle is folded in with weight 1/period. The value
 * reported at every bucket includes the forming candle (its latest close), as charting tools do.
 *
 * Only neighbouring candles make a change: when candles are missing (a gap longer than a candle),
 * the closes on either side are not compared, just as a bucket's price Δ is unknown after a gap.
 * The averages carry over; the RSI is unknown until the first candle after the gap has closed.
 */
export class Rsi {
  private candle = NaN;
  private close = NaN;
  private prevClose = NaN;
  private changes = 0;
  /** Sums while seeding, Wilder averages once `changes` reaches `period`. */
  private gain = 0;
  private loss = 0;

  constructor(
    readonly period: number,
    readonly bucketsPerCandle: number,
  ) {}

  /** Price at the close of bucket `b` (NaN = unknown); returns the RSI or NaN while seeding. */
  update(b: number, price: number): number {
    if (price !== price) return NaN;
    const c = Math.floor(b / this.bucketsPerCandle);
    if (c !== this.candle) {
      if (this.candle === this.candle) this.commit(this.close);
      if (c > this.candle + 1) this.prevClose = NaN; // missing candles: no change across them
      this.candle = c;
    }
    this.close = price;
    return this.provisional(price);
  }

  private commit(close: number): void {
    if (this.prevClose === this.prevClose) {
      const ch = close - this.prevClose;
      const g = ch > 0 ? ch : 0;
      const l = ch < 0 ? -ch : 0;
      const p = this.period;
      if (this.changes < p) {
        this.gain += g;
        this.loss += l;
        if (++this.changes === p) {
          this.gain /= p;
          this.loss /= p;
        }
      } else {
        this.gain = (this.gain * (p - 1) + g) / p;
        this.loss = (this.loss * (p - 1) + l) / p;
      }
    }
    this.prevClose = close;
  }

  private provisional(price: number): number {
    if (this.prevClose !== this.prevClose) return NaN;
    const p = this.period;
    const ch = price - this.prevClose;
    const g = ch > 0 ? ch : 0;
    const l = ch < 0 ? -ch : 0;
    let ag: number;
    let al: number;
    if (this.changes >= p) {
      ag = (this.gain * (p - 1) + g) / p;
      al = (this.loss * (p - 1) + l) / p;
    } else if (this.changes === p - 1) {
      ag = (this.gain + g) / p;
      al = (this.loss + l) / p;
    } else return NaN;
    if (al === 0) return ag === 0 ? 50 : 100;
    return 100 - 100 / (1 + ag / al);
  }
}
