/**
 * The history behind one rolling timeframe of one market: a ring of slots, each covering
 * `bucketsPerSlot` fixed buckets, holding the buckets' flow sums and the levels at the slot's
 * last bucket. A timeframe of up to `maxSlotsPerTimeframe` buckets has one bucket per slot and
 * is exact; a longer one (24 h) is kept at slot resolution, so its window covers the current
 * slot so far plus the previous `slots − 1` whole slots. Missing buckets (gaps) are never
 * written, so sums cover only buckets that were recorded and a missing reference level is NaN.
 */

/** Layout of the per-bucket vector the engine hands in: flow sums first, then levels. */
export const BV = {
  volume: 0,
  quote: 1,
  buy: 2,
  sell: 3,
  liqLong: 4,
  liqShort: 5,
  /** Squared bucket return (fraction²); 0 when the return is unknown. */
  retSq: 6,
  /** 1 when the bucket's return is known, so rvol can tell "no returns" from "flat". */
  retN: 7,
  price: 8,
  oiBase: 9,
  lsGlobal: 10,
  lsTopAccounts: 11,
  lsTopPositions: 12,
} as const;
export const BV_SUMS = 8;
export const BV_LEN = 13;

export class SlotRing {
  private readonly ids: Float64Array;
  private readonly counts: Int32Array;
  private readonly data: Float64Array;

  constructor(
    readonly bucketsPerSlot: number,
    /** Window length in slots. One more slot is kept: the reference level just before the window. */
    readonly slots: number,
  ) {
    // NaN marks an empty slot: it equals no slot id, negative ones included.
    this.ids = new Float64Array(slots + 1).fill(NaN);
    this.counts = new Int32Array(slots + 1);
    this.data = new Float64Array((slots + 1) * BV_LEN);
  }

  /** For a timeframe of `tfBuckets` buckets: the fewest buckets per slot that divide it and fit `maxSlots`. */
  static forTimeframe(tfBuckets: number, maxSlots: number): SlotRing {
    let per = Math.ceil(tfBuckets / maxSlots);
    while (tfBuckets % per !== 0) per++;
    return new SlotRing(per, tfBuckets / per);
  }

  /** Record bucket `b`'s vector (see BV). */
  add(b: number, v: Float64Array): void {
    const s = Math.floor(b / this.bucketsPerSlot);
    const p = this.pos(s);
    const base = p * BV_LEN;
    if (this.ids[p] !== s) {
      this.ids[p] = s;
      this.counts[p] = 0;
      this.data.fill(0, base, base + BV_SUMS);
    }
    for (let i = 0; i < BV_SUMS; i++) this.data[base + i] += v[i];
    for (let i = BV_SUMS; i < BV_LEN; i++) this.data[base + i] = v[i];
    this.counts[p]++;
  }

  /** Flow sums over the window ending with bucket `b` into `out` (BV_SUMS long); returns buckets present. */
  sums(b: number, out: Float64Array): number {
    out.fill(0, 0, BV_SUMS);
    const s = Math.floor(b / this.bucketsPerSlot);
    let buckets = 0;
    for (let k = s - this.slots + 1; k <= s; k++) {
      const p = this.pos(k);
      if (this.ids[p] !== k) continue;
      const base = p * BV_LEN;
      for (let i = 0; i < BV_SUMS; i++) out[i] += this.data[base + i];
      buckets += this.counts[p];
    }
    return buckets;
  }

  /** Level `field` (a BV level index) at the end of the slot just before the window; NaN when missing. */
  reference(b: number, field: number): number {
    const k = Math.floor(b / this.bucketsPerSlot) - this.slots;
    const p = this.pos(k);
    return this.ids[p] === k && this.counts[p] > 0 ? this.data[p * BV_LEN + field] : NaN;
  }

  private pos(s: number): number {
    const n = this.slots + 1;
    const p = s % n;
    return p < 0 ? p + n : p;
  }
}
