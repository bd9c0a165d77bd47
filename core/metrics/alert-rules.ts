/**
 * The five alert tiers as pure rules over one closed bucket's figures. Per side, a rule reports
 * to the sink either that its firing condition holds (a candidate, with the inputs to store) or
 * that it is clear (past the hysteresis level, so it may fire again later). Arming, cooldown and
 * ordering are alert-gate.ts. Thresholds and their reasons: docs/quant-blueprint.md.
 *
 * Called at every bucket close of every market, so a side that neither fires nor clears costs
 * nothing, and inputs are built only for candidates.
 */
import { UNSIGNED_SERIES, Z_SERIES, type MetricsConfig, type ZSeries } from './config.ts';
import { fin } from './finite.ts';
import type { BucketExtremes } from './user-rules.ts';
import type { AlertDirection, AlertTier, MetricRow, TimeframeFigures } from './types.ts';

/** Index of the cross-exchange spreads in the z vector, right after the bucket-level series. */
export const XEX_OI = Z_SERIES.length;
export const XEX_FUNDING = Z_SERIES.length + 1;
export const zIndex = (s: ZSeries): number => Z_SERIES.indexOf(s);

/** One closed bucket as the rules see it. Vectors are laid out as Z_SERIES then XEX_OI, XEX_FUNDING. */
export interface BucketFigures {
  /** Bucket index (floor(bucket_ts / bucketMs)). */
  k: number;
  values: Float64Array;
  z: Float64Array;
  mean: Float64Array;
  std: Float64Array;
  timeframes: Record<string, TimeframeFigures>;
  /** Inputs of the cross-exchange spreads (own value, the reference it is compared with, how many others). */
  xex: { oi: XexInput; funding: XexInput };
  /** The composite score (NaN when unknown). */
  composite: number;
  /** The bucket's metric row, as stored. */
  row: MetricRow;
  extremes: BucketExtremes;
}

export interface XexInput {
  own: number;
  /** The others' mean, or (oi_weighted) the base asset's OI-weighted global change. */
  others: number;
  /** How many other markets took part. */
  n: number;
  /** oi_weighted: Σ OI in USD of the markets that took part, this one included; else NaN. */
  totalUsd: number;
}

export interface Candidate {
  tier: AlertTier;
  rule: string;
  /** Arming key: rule plus side; the side of an unsigned series is `spike`. */
  armKey: string;
  direction: AlertDirection;
  value: number;
  threshold: number;
  inputs: Record<string, number | string | boolean | null>;
}

export interface RuleSink {
  /** The side `armKey` is past its hysteresis level. */
  clear(armKey: string): void;
  /** The side's firing condition holds. */
  fire(c: Candidate): void;
}

/** Arming keys of a rule's sides. */
const armKeys = (rule: string) => ({ up: `${rule}|up`, down: `${rule}|down`, spike: `${rule}|spike` });
/** Built once: rules run at every bucket close of every market. */
const TIER1 = Object.fromEntries(Z_SERIES.map((s) => [s, { rule: `z:${s}`, keys: armKeys(`z:${s}`) }])) as Record<
  ZSeries,
  { rule: string; keys: ReturnType<typeof armKeys> }
>;
const CONFLUENCE = armKeys('confluence');
const CVD_OI = armKeys('cvd_oi');
const FUNDING_OI = armKeys('funding_oi');
const COMPOSITE = armKeys('composite');
const XEX = { 'xex:oi': armKeys('xex:oi'), 'xex:funding': armKeys('xex:funding') };

/** Tier-2 memory: the last bucket at which each condition held, per side (up: 0..2, down: 3..5). */
export type HeldMemory = Float64Array;
export const newHeldMemory = (): HeldMemory => new Float64Array(6).fill(-Infinity);

export function evaluateRules(cfg: MetricsConfig, f: BucketFigures, held: HeldMemory, sink: RuleSink): void {
  const a = cfg.alerts;
  if (a.tier1.enabled) for (const s of a.tier1.series) tier1(a.tier1, s, f, sink);
  if (a.tier2.enabled) {
    trackConfluence(a.tier2, f, held);
    tier2(a.tier2, f, held, sink);
  }
  if (a.tier3.enabled) tier3(a.tier3, f, sink);
  if (a.tier4.enabled) tier4(a.tier4, f, sink);
  if (a.tier5.enabled) {
    tier5(a.tier5, 'xex:oi', XEX_OI, f.xex.oi, f, sink);
    if (a.tier5.funding) tier5(a.tier5, 'xex:funding', XEX_FUNDING, f.xex.funding, f, sink);
  }
  if (a.composite.enabled) compositeAlert(a.composite, cfg.composite.weights, f, sink);
}

/** One side of a rule: fire, or clear, or (between the two levels) nothing. */
function side(sink: RuleSink, fire: boolean, clear: boolean, armKey: string, c: () => Omit<Candidate, 'armKey'>): void {
  if (fire) sink.fire({ ...c(), armKey });
  else if (clear) sink.clear(armKey);
}

function zInputs(name: string, i: number, f: BucketFigures) {
  return { series: name, z: fin(f.z[i]), value: fin(f.values[i]), mean: fin(f.mean[i]), std: fin(f.std[i]) };
}

/** Tier 1: one series' |z| beyond the threshold. */
function tier1(t: MetricsConfig['alerts']['tier1'], s: ZSeries, f: BucketFigures, sink: RuleSink): void {
  const i = zIndex(s);
  const z = f.z[i];
  if (z !== z) return;
  const { rule, keys: k } = TIER1[s];
  if (UNSIGNED_SERIES.has(s)) {
    // Volume and liquidations have no sign: only a spike counts, in the direction of the bucket.
    const direction = spikeDirection(s, f);
    side(sink, z >= t.z && direction !== null, z <= t.rearmZ, k.spike, () => ({
      tier: 1,
      rule,
      direction: direction as AlertDirection,
      value: z,
      threshold: t.z,
      inputs: zInputs(s, i, f),
    }));
    return;
  }
  side(sink, z >= t.z, z <= t.rearmZ, k.up, () => ({
    tier: 1,
    rule,
    direction: 'up',
    value: z,
    threshold: t.z,
    inputs: zInputs(s, i, f),
  }));
  side(sink, z <= -t.z, z >= -t.rearmZ, k.down, () => ({
    tier: 1,
    rule,
    direction: 'down',
    value: z,
    threshold: -t.z,
    inputs: zInputs(s, i, f),
  }));
}

/**
 * The direction of a volume or liquidation spike: the way price moved in the bucket; when it did
 * not move (or is unknown), the way the flow itself leans — takers selling, or longs being
 * liquidated (forced sells), is down. No direction at all (flat and balanced): no alert.
 */
function spikeDirection(s: ZSeries, f: BucketFigures): AlertDirection | null {
  const px = f.values[zIndex('price_chg_pct')];
  if (px < 0) return 'down';
  if (px > 0) return 'up';
  const lean = s === 'liq_usd' ? f.row.liq_short_usd - f.row.liq_long_usd : f.values[zIndex('cvd')];
  return lean < 0 ? 'down' : lean > 0 ? 'up' : null;
}

/** Tier-2 conditions (up: z, ls, imbalance; down: the same mirrored) as they stand this bucket. */
function confluenceInputs(t: MetricsConfig['alerts']['tier2'], f: BucketFigures) {
  return { z: f.z[zIndex(t.zSeries)], ls: f.values[zIndex(t.lsSeries)], imb: f.values[zIndex('imbalance')] };
}

/** Remember the bucket at which each tier-2 condition last held. */
function trackConfluence(t: MetricsConfig['alerts']['tier2'], f: BucketFigures, held: HeldMemory): void {
  const { z, ls, imb } = confluenceInputs(t, f);
  if (z >= t.z) held[0] = f.k;
  if (ls > t.ls) held[1] = f.k;
  if (imb > t.imbalancePct) held[2] = f.k;
  if (z <= -t.z) held[3] = f.k;
  if (ls < 1 / t.ls) held[4] = f.k;
  if (imb < -t.imbalancePct) held[5] = f.k;
}

/**
 * Tier 2, confluence: z of `zSeries` beyond ±z, long/short ratio beyond `ls` (or 1/ls), order-book
 * imbalance beyond ±imbalancePct. A condition counts when it held at any of the last
 * `windowBuckets` buckets; the rule fires when the share of counted conditions reaches minFraction.
 * All three figures must be known at the bucket.
 */
function tier2(t: MetricsConfig['alerts']['tier2'], f: BucketFigures, held: HeldMemory, sink: RuleSink): void {
  // An unknown figure is not a condition "not held": without all three there is no confluence
  // to measure (a venue without long/short data never alerts here), and nothing re-arms.
  const now = confluenceInputs(t, f);
  if (now.z !== now.z || now.ls !== now.ls || now.imb !== now.imb) return;
  const since = f.k - t.windowBuckets + 1;
  const k = CONFLUENCE;
  for (const [direction, base] of [
    ['up', 0],
    ['down', 3],
  ] as const) {
    let n = 0;
    for (let i = base; i < base + 3; i++) if (held[i] >= since) n++;
    const share = n / 3;
    // The epsilon keeps 2/3 >= 2/3 true whatever rounding the config's fraction went through.
    side(sink, share >= t.minFraction - 1e-9, share <= t.rearmFraction + 1e-9, k[direction], () => {
      const { z, ls, imb } = now;
      return {
        tier: 2,
        rule: 'confluence',
        direction,
        value: share,
        threshold: t.minFraction,
        inputs: {
          z_series: t.zSeries,
          z: fin(z),
          ls_series: t.lsSeries,
          ls: fin(ls),
          imbalance: fin(imb),
          z_held: held[base] >= since,
          ls_held: held[base + 1] >= since,
          imbalance_held: held[base + 2] >= since,
          window_buckets: t.windowBuckets,
        },
      };
    });
  }
}

/** Tier 3: CVD on the same side as an open-interest change beyond ±oiChgPct over the timeframe. */
function tier3(t: MetricsConfig['alerts']['tier3'], f: BucketFigures, sink: RuleSink): void {
  const tf = f.timeframes[t.timeframe];
  const oi = tf.oi_chg_pct;
  if (oi === null) return;
  const k = CVD_OI;
  const inputs = () => ({ timeframe: t.timeframe, oi_chg_pct: oi, cvd: tf.cvd, quote_volume: tf.quote_volume });
  // Both sides re-arm only once OI is back within ±rearm: a swing through to the other side is
  // not a quiet market.
  const quiet = Math.abs(oi) <= t.rearmOiChgPct;
  side(sink, oi >= t.oiChgPct && tf.cvd > 0, quiet, k.up, () => ({
    tier: 3,
    rule: 'cvd_oi',
    direction: 'up',
    value: oi,
    threshold: t.oiChgPct,
    inputs: inputs(),
  }));
  side(sink, oi <= -t.oiChgPct && tf.cvd < 0, quiet, k.down, () => ({
    tier: 3,
    rule: 'cvd_oi',
    direction: 'down',
    value: oi,
    threshold: -t.oiChgPct,
    inputs: inputs(),
  }));
}

/**
 * Tier 4: funding beyond ±funding while open interest falls over the timeframe. Positive funding
 * with OI falling means paying longs are leaving (down); the mirror, negative funding with OI
 * falling, means paying shorts are leaving (up; only with `mirror`). A side re-arms when
 * |funding| is back within ±rearmFunding or OI is no longer falling.
 */
function tier4(t: MetricsConfig['alerts']['tier4'], f: BucketFigures, sink: RuleSink): void {
  const funding = f.values[zIndex('funding_rate')];
  const oi = f.timeframes[t.timeframe].oi_chg_pct;
  if (funding !== funding || oi === null) return;
  const k = FUNDING_OI;
  const inputs = () => ({ timeframe: t.timeframe, funding_rate: funding, oi_chg_pct: oi });
  const quiet = Math.abs(funding) <= t.rearmFunding || oi >= 0;
  side(sink, funding > t.funding && oi < 0, quiet, k.down, () => ({
    tier: 4,
    rule: 'funding_oi',
    direction: 'down',
    value: funding,
    threshold: t.funding,
    inputs: inputs(),
  }));
  if (!t.mirror) return;
  side(sink, funding < -t.funding && oi < 0, quiet, k.up, () => ({
    tier: 4,
    rule: 'funding_oi',
    direction: 'up',
    value: funding,
    threshold: -t.funding,
    inputs: inputs(),
  }));
}

/** Tier 5: this exchange's OI change or funding diverges from the other exchanges' beyond ±z σ. */
function tier5(
  t: MetricsConfig['alerts']['tier5'],
  rule: keyof typeof XEX,
  i: number,
  x: XexInput,
  f: BucketFigures,
  sink: RuleSink,
): void {
  const z = f.z[i];
  if (z !== z) return;
  const k = XEX[rule];
  const weighted = rule === 'xex:oi' && t.oiReference === 'oi_weighted';
  const inputs = () => ({
    z,
    spread: fin(f.values[i]),
    own: fin(x.own),
    ...(weighted
      ? { global_oi_chg_pct: fin(x.others), global_oi_usd: fin(x.totalUsd) }
      : { others_mean: fin(x.others) }),
    others: x.n,
    mean: fin(f.mean[i]),
    std: fin(f.std[i]),
  });
  side(sink, z >= t.z, z <= t.rearmZ, k.up, () => ({
    tier: 5,
    rule,
    direction: 'up',
    value: z,
    threshold: t.z,
    inputs: inputs(),
  }));
  side(sink, z <= -t.z, z >= -t.rearmZ, k.down, () => ({
    tier: 5,
    rule,
    direction: 'down',
    value: z,
    threshold: -t.z,
    inputs: inputs(),
  }));
}

/** The composite score beyond ±z (the seed's ZSC_ALERT). */
function compositeAlert(
  t: MetricsConfig['alerts']['composite'],
  weights: MetricsConfig['composite']['weights'],
  f: BucketFigures,
  sink: RuleSink,
): void {
  const c = f.composite;
  if (c !== c) return;
  const tier = t.tier as AlertTier;
  // The composite and the z-scores it was made of.
  const inputs = () => {
    const out: Candidate['inputs'] = { composite: c };
    for (const s of Object.keys(weights) as ZSeries[]) out[`z_${s}`] = fin(f.z[zIndex(s)]);
    return out;
  };
  side(sink, c >= t.z, c <= t.rearmZ, COMPOSITE.up, () => ({
    tier,
    rule: 'composite',
    direction: 'up',
    value: c,
    threshold: t.z,
    inputs: inputs(),
  }));
  side(sink, c <= -t.z, c >= -t.rearmZ, COMPOSITE.down, () => ({
    tier,
    rule: 'composite',
    direction: 'down',
    value: c,
    threshold: -t.z,
    inputs: inputs(),
  }));
}
