/**
 * Rolling mean, standard deviation and z-score over a time window of buckets, for several series
 * of one market at once (they share the bucket clock). "Score, then update": the value of bucket
 * b is scored against buckets [b − size, b − 1] and only then added, so it is never in the window
 * it is measured against. The window is time based: a bucket that was never added (a gap) is
 * simply absent, and values older than `size` buckets fall out however few buckets arrived since.
 *
 * Running sums are kept about a per-series shift K (a recent value) so that sum-of-squares does
 * not cancel catastrophically for series far from zero (prices), and they are recomputed from the
 * ring every `size` insertions so rounding cannot accumulate. Both choices depend only on the
 * sequence of calls, so live and replay give identical bits.
 */

/** A standard deviation this small relative to the values' spread around K is rounding noise of the sums. */
const DEGENERATE = 1e-6;
/**
 * A standard deviation this small relative to the values' own magnitude (RMS about zero) is
 * rounding noise of the arithmetic that made them: a book imbalance of −20 % computed at two
 * prices comes out as −20 and −19.99999999999999, which is not movement.
 */
const ROUNDING = 1e-12;
/** Re-shift when (mean − K)² exceeds this many variances. */
const SHIFT_LIMIT = 1e6;
/** A removed squared term this many times the remaining sum of squares triggers an exact recompute. */
const CANCEL_LIMIT = 1e4;

export class ZWindow {
  private readonly ids: Float64Array;
  private readonly vals: Float64Array;
  private readonly count: Int32Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  /** Series whose running sums lost precision when a large value left (recomputed before use). */
  private readonly stale: Uint8Array;
  private readonly shift: Float64Array;
  private last = -Infinity;
  private sinceRecompute = 0;

  constructor(
    /** Window length in buckets. */
    readonly size: number,
    /** Number of series. */
    readonly series: number,
    /** Fewest values in the window before a z-score is given. */
    readonly minSamples: number,
    /** Divide by n (population) rather than n − 1 (sample) for the variance. */
    readonly population = false,
  ) {
    // NaN marks an empty position: it equals no bucket id, negative ones included.
    this.ids = new Float64Array(size).fill(NaN);
    this.vals = new Float64Array(size * series);
    this.count = new Int32Array(series);
    this.sum = new Float64Array(series);
    this.sumSq = new Float64Array(series);
    this.stale = new Uint8Array(series);
    this.shift = new Float64Array(series);
  }

  private clear(): void {
    this.ids.fill(NaN);
    this.count.fill(0);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.stale.fill(0);
  }

  /**
   * Score `x[s]` (NaN = no value this bucket) against the window before bucket `b`, write each z
   * (NaN when unknown) into `z[s]` and the window's mean and std into `mean[s]`/`std[s]`,
   * then add the values at bucket `b`. Buckets must increase.
   */
  scoreThenAdd(b: number, x: ArrayLike<number>, z: Float64Array, mean: Float64Array, std: Float64Array): void {
    if (!(b > this.last)) throw new RangeError(`ZWindow buckets must increase: ${b} after ${this.last}`);
    this.evictBefore(b - this.size);
    for (let s = 0; s < this.series; s++) this.score(s, x[s], z, mean, std);

    const pos = this.pos(b);
    if (this.ids[pos] === this.ids[pos]) this.evictAt(pos); // holds b − size: in the window for b, not after
    this.ids[pos] = b;
    const base = pos * this.series;
    for (let s = 0; s < this.series; s++) {
      const v = x[s];
      this.vals[base + s] = v;
      if (v !== v) continue; // NaN: no value
      if (this.count[s] === 0) {
        this.shift[s] = v;
        this.sum[s] = 0;
        this.sumSq[s] = 0;
      }
      const y = v - this.shift[s];
      this.sum[s] += y;
      this.sumSq[s] += y * y;
      this.count[s]++;
    }
    this.last = b;
    if (++this.sinceRecompute >= this.size) this.recompute();
  }

  private score(s: number, v: number, zOut: Float64Array, meanOut: Float64Array, stdOut: Float64Array): void {
    const n = this.count[s];
    zOut[s] = NaN;
    meanOut[s] = NaN;
    stdOut[s] = NaN;
    if (n < this.minSamples || n < 2) return;
    if (this.stale[s]) this.recomputeSeries(s);
    // The value that set K has left the window and K is now far from the values (a level
    // shift): sums about it would cancel, so take a new K first.
    const offset = this.sum[s] / n;
    if (offset * offset > SHIFT_LIMIT * this.variance(s)) this.recomputeSeries(s);
    const mean = this.shift[s] + this.sum[s] / n;
    const variance = this.variance(s);
    meanOut[s] = mean;
    stdOut[s] = Math.sqrt(variance);
    const spread = this.sumSq[s] / n; // mean square about K
    if (v !== v || !(variance > DEGENERATE * DEGENERATE * spread)) return;
    if (!(variance > ROUNDING * ROUNDING * (mean * mean + variance))) return;
    zOut[s] = (v - mean) / stdOut[s];
  }

  private variance(s: number): number {
    const n = this.count[s];
    const v = (this.sumSq[s] - (this.sum[s] * this.sum[s]) / n) / (this.population ? n : n - 1);
    return v > 0 ? v : 0;
  }

  private pos(b: number): number {
    const p = b % this.size;
    return p < 0 ? p + this.size : p;
  }

  /** Drop every stored bucket older than `oldest`. */
  private evictBefore(oldest: number): void {
    if (this.last === -Infinity) return;
    if (oldest > this.last) {
      this.clear(); // everything stored is older
      return;
    }
    // Stored buckets lie in (last − size, last]: at most `size` ids to look at.
    for (let id = this.last - this.size + 1; id < oldest; id++) {
      const p = this.pos(id);
      if (this.ids[p] === id) this.evictAt(p);
    }
  }

  private evictAt(pos: number): void {
    const base = pos * this.series;
    for (let s = 0; s < this.series; s++) {
      const v = this.vals[base + s];
      if (v !== v) continue;
      if (--this.count[s] === 0) {
        this.sum[s] = 0;
        this.sumSq[s] = 0;
        continue;
      }
      const y = v - this.shift[s];
      this.sum[s] -= y;
      this.sumSq[s] -= y * y;
      // Removing a term much larger than what remains leaves mostly rounding residue
      // (65,000² next to values near 0): recompute exactly before the next score.
      if (y * y > CANCEL_LIMIT * this.sumSq[s]) this.stale[s] = 1;
    }
    this.ids[pos] = NaN;
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    for (let s = 0; s < this.series; s++) this.recomputeSeries(s);
  }

  /** Exact sums of series `s` from the ring, about a fresh shift: its oldest value still stored. */
  private recomputeSeries(s: number): void {
    let k = NaN;
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 1; i <= this.size; i++) {
      const p = this.pos(this.last + i); // oldest position first
      if (this.ids[p] !== this.ids[p]) continue;
      const v = this.vals[p * this.series + s];
      if (v !== v) continue;
      if (n === 0) k = v;
      const y = v - k;
      sum += y;
      sumSq += y * y;
      n++;
    }
    this.stale[s] = 0;
    this.count[s] = n;
    this.shift[s] = n ? k : 0;
    this.sum[s] = sum;
    this.sumSq[s] = sumSq;
  }
}
