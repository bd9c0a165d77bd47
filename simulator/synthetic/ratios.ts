/**
 * Long/short account ratios and taker buy/sell volumes per time bucket. Deterministic in
 * (seed, asset, kind, bucket) so a REST history answers the same every time it is asked, and
 * smooth from one bucket to the next like real sentiment series.
 */
import { hashUnit } from './rng.ts';

export type RatioKind = 'global' | 'topAccounts' | 'topPositions' | 'taker';
const KINDS: Record<RatioKind, number> = { global: 1, topAccounts: 2, topPositions: 3, taker: 4 };

export interface RatioPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Long share (accounts or positions) or taker buy share, in basis points of 1 (0..10000). */
  longBp: number;
}

/** Value at one bucket: a slow wave plus bucket noise, in [0.30, 0.72]. */
function share(seed: number, asset: number, kind: RatioKind, bucket: number): number {
  const key = asset * 8 + KINDS[kind];
  const slow =
    hashUnit(seed, key, Math.floor(bucket / 12)) * 0.5 + hashUnit(seed, key, Math.floor(bucket / 12) + 1) * 0.5;
  const noise = hashUnit(seed, key + 1000, bucket);
  return 0.3 + 0.32 * slow + 0.1 * noise;
}

/** `limit` buckets of `periodMs` ending with the one containing `now`, oldest first. */
export function ratioSeries(
  seed: number,
  asset: number,
  kind: RatioKind,
  periodMs: number,
  limit: number,
  now: number,
): RatioPoint[] {
  const last = Math.floor(now / periodMs);
  const out: RatioPoint[] = [];
  for (let b = last - limit + 1; b <= last; b++) {
    out.push({ t: b * periodMs, longBp: Math.round(share(seed, asset, kind, b) * 10000) });
  }
  return out;
}

/** Base-unit taker volume for one bucket (scales with the period), deterministic like ratios. */
export function bucketVolume(seed: number, asset: number, typicalQty: number, periodMs: number, t: number): number {
  return typicalQty * (periodMs / 1000) * (0.5 + hashUnit(seed, asset * 8 + 7, t / periodMs));
}
