/**
 * Metrics engine configuration: every threshold the engine and the alert tiers use, with the
 * documented defaults (docs/quant-blueprint.md explains each one). The live collector records
 * the config it ran with in `metrics_config`, so `metrics verify` recomputes with the same one.
 */
import { FbError } from '../errors.ts';
import { METRICS_PRESETS, PRESET_OVERRIDES, type MetricsPreset } from './presets.ts';
import { TIMEFRAME_Z_SERIES, Z_SERIES, type TimeframeZSeries, type ZSeries } from './series.ts';
import { normaliseRules, validateRules, type UserRule } from './user-rules.ts';

export interface Timeframe {
  /** Label used in the `timeframes` JSON, e.g. "5m". */
  name: string;
  /** Window length; a multiple of `bucketMs`. */
  ms: number;
}

export interface MetricsConfig {
  /**
   * The model the other settings start from: `default` (ours) or `seed` (the seed dashboard's
   * quant model, core/metrics/presets.ts). Settings given next to it override the preset's.
   */
  preset: MetricsPreset;
  /** Length of one fixed bucket: `bucket = floor(local_ts / bucketMs)`. */
  bucketMs: number;
  /** Rolling windows reported per bucket in the `timeframes` JSON. */
  timeframes: Timeframe[];
  /** Most slots a timeframe window keeps; longer windows use slots of several buckets. */
  maxSlotsPerTimeframe: number;
  /** Z-score window in buckets (time based: buckets missing in a gap are simply absent). */
  zWindowBuckets: number;
  /** Fewest values in the window before a z-score is given (else null). */
  zMinSamples: number;
  /** Standard deviation of the z window: `sample` (n − 1) or `population` (n). */
  zStd: 'sample' | 'population';
  /** Buckets a market must close after start or a gap before it may alert. */
  warmupBuckets: number;
  /** A market silent for longer than this is treated as if a gap had been recorded. */
  maxSilenceMs: number;
  /** Book levels per side summed for the order-book imbalance. */
  imbalanceLevels: number;
  /** Timeframe whose realized volatility fills the `rvol` column. */
  rvolTimeframe: string;
  /** Timeframe z-scores: these figures are z-scored per timeframe. */
  timeframeZSeries: TimeframeZSeries[];
  composite: {
    /** Weight per bucket-level z series; the composite is the weighted mean of available z. */
    weights: Partial<Record<ZSeries, number>>;
  };
  regime: {
    /** `oi_price`: the OI/price-change rule; `confluence`: the seed's signal families (regime.ts). */
    model: 'oi_price' | 'confluence';
    timeframe: string;
    /** |OI change| (%) over the timeframe that counts as building (+) or unwinding (−). */
    oiChgPct: number;
    /** |price change| (%) over the timeframe that counts as a move rather than a range. */
    priceChgPct: number;
    /** confluence model: |confluence| at or beyond this is a bullish or bearish regime. */
    confluence: number;
    /** confluence model: realized volatility (fraction) at or beyond this is a high-volatility regime. */
    volatility: number;
  };
  alerts: {
    /** After an alert, the same market and direction stays quiet this long unless a higher tier fires. */
    cooldownMs: number;
    tier1: { enabled: boolean; series: ZSeries[]; z: number; rearmZ: number };
    tier2: {
      enabled: boolean;
      zSeries: ZSeries;
      z: number;
      lsSeries: 'ls_global' | 'ls_top_accounts' | 'ls_top_positions';
      /** Long/short ratio above this (below its inverse for the short side). */
      ls: number;
      imbalancePct: number;
      /** A condition counts when it held at any bucket within this many buckets. */
      windowBuckets: number;
      minFraction: number;
      rearmFraction: number;
    };
    tier3: { enabled: boolean; timeframe: string; oiChgPct: number; rearmOiChgPct: number };
    /** `mirror`: also alert on negative funding with OI falling (the up side). */
    tier4: { enabled: boolean; timeframe: string; funding: number; rearmFunding: number; mirror: boolean };
    tier5: {
      enabled: boolean;
      timeframe: string;
      z: number;
      rearmZ: number;
      staleBuckets: number;
      /**
       * What an exchange's OI change is compared with: `others_mean`, the other exchanges' copies
       * of the same unified market; `oi_weighted`, the global OI change of the base asset, every
       * market weighted by its OI in USD.
       */
      oiReference: 'others_mean' | 'oi_weighted';
      /** Also alert on funding diverging from the other exchanges'. */
      funding: boolean;
    };
    /** Tier 6: a cluster of at least `minAlerts` alerts of tier ≤ `maxTier`, one direction, within `windowMs`. */
    tier6: { enabled: boolean; maxTier: number; minAlerts: number; windowMs: number };
    /** The composite score beyond ±z (the seed's ZSC_ALERT). */
    composite: { enabled: boolean; tier: number; z: number; rearmZ: number };
    /** User-defined rules (core/metrics/user-rules.ts). */
    rules: UserRule[];
  };
}

export {
  TIMEFRAME_Z_SERIES,
  UNSIGNED_SERIES,
  Z_SERIES,
  type TimeframeZSeries,
  type ZSeries,
} from './series.ts';

export const defaultMetricsConfig: MetricsConfig = {
  preset: 'default',
  bucketMs: 10_000,
  timeframes: [
    { name: '1m', ms: 60_000 },
    { name: '5m', ms: 300_000 },
    { name: '15m', ms: 900_000 },
    { name: '1h', ms: 3_600_000 },
    { name: '24h', ms: 86_400_000 },
  ],
  maxSlotsPerTimeframe: 360,
  zWindowBuckets: 180,
  zMinSamples: 10,
  zStd: 'sample',
  warmupBuckets: 30,
  maxSilenceMs: 300_000,
  imbalanceLevels: 10,
  rvolTimeframe: '5m',
  timeframeZSeries: [...TIMEFRAME_Z_SERIES],
  composite: { weights: { oi_chg_pct: 1, ls_top_positions: 1, imbalance: 1, funding_rate: 1 } },
  regime: { model: 'oi_price', timeframe: '15m', oiChgPct: 0.5, priceChgPct: 0.3, confluence: 0.15, volatility: 0.025 },
  alerts: {
    cooldownMs: 300_000,
    tier1: { enabled: true, series: [...Z_SERIES], z: 2.5, rearmZ: 1.5 },
    tier2: {
      enabled: true,
      zSeries: 'cvd',
      z: 2.5,
      lsSeries: 'ls_global',
      ls: 2,
      imbalancePct: 3,
      windowBuckets: 6,
      minFraction: 2 / 3,
      rearmFraction: 1 / 3,
    },
    tier3: { enabled: true, timeframe: '15m', oiChgPct: 1, rearmOiChgPct: 0.5 },
    tier4: { enabled: true, timeframe: '15m', funding: 0.0001, rearmFunding: 0.00005, mirror: true },
    tier5: {
      enabled: true,
      timeframe: '15m',
      z: 2,
      rearmZ: 1,
      staleBuckets: 3,
      oiReference: 'others_mean',
      funding: true,
    },
    tier6: { enabled: false, maxTier: 2, minAlerts: 3, windowMs: 900_000 },
    composite: { enabled: false, tier: 1, z: 1.8, rearmZ: 1 },
    rules: [],
  },
};

/** E_METRICS_CONFIG naming every invalid field, in one message and as `problems`. */
export const metricsConfigError = (problems: string[]): FbError =>
  new FbError('E_METRICS_CONFIG', `invalid metrics config: ${problems.join('; ')}`, { problems });

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a` overlaid with `b`: objects merge key by key; arrays and scalars replace. */
function overlay(a: unknown, b: unknown): unknown {
  if (!isPlain(a) || !isPlain(b)) return b === undefined ? a : b;
  const out: Plain = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = overlay(a[k], v);
  return out;
}

/**
 * The defaults, then the preset `overrides.preset` names (default: ours), then `overrides`;
 * user rules get what they left out. An unknown preset is left for validation to name.
 */
export function mergeMetricsConfig(overrides: unknown): unknown {
  const named = isPlain(overrides) ? overrides.preset : undefined;
  const preset = PRESET_OVERRIDES[named as MetricsPreset] ?? PRESET_OVERRIDES.default;
  const merged = overlay(overlay(structuredCloneJson(defaultMetricsConfig), structuredCloneJson(preset)), overrides);
  if (isPlain(merged) && isPlain(merged.alerts)) merged.alerts.rules = normaliseRules(merged.alerts.rules);
  return merged;
}

/**
 * The settings of a resolved `config` that differ from its preset's, as overrides: with another
 * `preset` next to them they give that model with the same buckets, windows, warm-up and user
 * rules (how `alerts stats --compare` keeps a recording's own settings).
 */
export function overridesOf(config: MetricsConfig): Record<string, unknown> {
  const diff = (value: unknown, base: unknown): unknown => {
    if (isPlain(value) && isPlain(base)) {
      const out: Plain = {};
      for (const [k, v] of Object.entries(value)) {
        const d = diff(v, base[k]);
        if (d !== undefined) out[k] = d;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
  };
  const { preset, ...rest } = config;
  return (diff(rest, mergeMetricsConfig({ preset })) as Record<string, unknown> | undefined) ?? {};
}

function structuredCloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Every problem with `obj` as a MetricsConfig, each naming the field and the fix; empty when valid.
 * Expects a complete config: use mergeMetricsConfig first to fill defaults.
 */
export function validateMetricsConfig(obj: unknown): string[] {
  const errors: string[] = [];
  if (!isPlain(obj)) return ['config: must be an object (see defaultMetricsConfig)'];
  const c = obj as unknown as MetricsConfig;
  const int = (path: string, v: unknown, min: number, max = Infinity) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      errors.push(
        `${path}: must be an integer ${max < Infinity ? `${min}–${max}` : `>= ${min}`}, got ${JSON.stringify(v)}`,
      );
  };
  const num = (path: string, v: unknown, min = -Infinity) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      errors.push(`${path}: must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${JSON.stringify(v)}`);
  };
  const bool = (path: string, v: unknown) => {
    if (typeof v !== 'boolean') errors.push(`${path}: must be true or false, got ${JSON.stringify(v)}`);
  };
  const section = (path: string, v: unknown): Plain => {
    if (isPlain(v)) return v;
    errors.push(`${path}: must be an object`);
    return {};
  };

  const oneOf = (path: string, v: unknown, allowed: readonly string[]) => {
    if (typeof v !== 'string' || !allowed.includes(v))
      errors.push(
        `${path}: must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`,
      );
  };

  unknownKeys(obj, defaultMetricsConfig as unknown as Plain, '', errors);
  oneOf('preset', c.preset, METRICS_PRESETS);
  int('bucketMs', c.bucketMs, 1);
  const names = new Set<string>();
  if (!Array.isArray(c.timeframes) || c.timeframes.length === 0) {
    errors.push('timeframes: must be a non-empty array of { name, ms }');
  } else {
    c.timeframes.forEach((tf, i) => {
      if (!isPlain(tf) || typeof tf.name !== 'string' || tf.name === '') {
        errors.push(`timeframes[${i}].name: must be a non-empty string`);
        return;
      }
      if (names.has(tf.name))
        errors.push(`timeframes[${i}].name: "${tf.name}" is listed twice; give each timeframe its own name`);
      names.add(tf.name);
      int(`timeframes[${i}].ms`, tf.ms, 1);
      if (Number.isInteger(c.bucketMs) && c.bucketMs > 0 && Number.isInteger(tf.ms) && tf.ms % c.bucketMs !== 0)
        errors.push(`timeframes[${i}].ms: ${tf.ms} is not a multiple of bucketMs ${c.bucketMs}; use a multiple`);
    });
  }
  const tfRef = (path: string, v: unknown) => {
    if (typeof v !== 'string' || !names.has(v))
      errors.push(`${path}: must name one of timeframes (${[...names].join(', ')}), got ${JSON.stringify(v)}`);
  };
  const series = (path: string, v: unknown, allowed: readonly string[]) => {
    if (typeof v !== 'string' || !allowed.includes(v))
      errors.push(`${path}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  };

  int('maxSlotsPerTimeframe', c.maxSlotsPerTimeframe, 1);
  int('zWindowBuckets', c.zWindowBuckets, 2);
  int('zMinSamples', c.zMinSamples, 2);
  if (Number.isInteger(c.zMinSamples) && Number.isInteger(c.zWindowBuckets) && c.zMinSamples > c.zWindowBuckets)
    errors.push(
      `zMinSamples: ${c.zMinSamples} exceeds zWindowBuckets ${c.zWindowBuckets}; lower it or widen the window`,
    );
  oneOf('zStd', c.zStd, ['sample', 'population']);
  int('warmupBuckets', c.warmupBuckets, 0);
  int('maxSilenceMs', c.maxSilenceMs, 1);
  int('imbalanceLevels', c.imbalanceLevels, 1);
  tfRef('rvolTimeframe', c.rvolTimeframe);
  if (!Array.isArray(c.timeframeZSeries))
    errors.push(`timeframeZSeries: must be an array of ${TIMEFRAME_Z_SERIES.join(', ')}`);
  else c.timeframeZSeries.forEach((s, i) => series(`timeframeZSeries[${i}]`, s, TIMEFRAME_Z_SERIES));

  const comp = section('composite', c.composite);
  const weights = section('composite.weights', comp.weights);
  for (const [k, w] of Object.entries(weights)) {
    series(`composite.weights.${k}`, k, Z_SERIES);
    num(`composite.weights.${k}`, w);
  }

  const regime = section('regime', c.regime);
  tfRef('regime.timeframe', regime.timeframe);
  num('regime.oiChgPct', regime.oiChgPct, 0);
  num('regime.priceChgPct', regime.priceChgPct, 0);
  oneOf('regime.model', regime.model, ['oi_price', 'confluence']);
  num('regime.confluence', regime.confluence, 0);
  num('regime.volatility', regime.volatility, 0);

  const alerts = section('alerts', c.alerts);
  int('alerts.cooldownMs', alerts.cooldownMs, 0);
  const t1 = section('alerts.tier1', alerts.tier1);
  bool('alerts.tier1.enabled', t1.enabled);
  if (!Array.isArray(t1.series)) errors.push(`alerts.tier1.series: must be an array of ${Z_SERIES.join(', ')}`);
  else t1.series.forEach((s, i) => series(`alerts.tier1.series[${i}]`, s, Z_SERIES));
  num('alerts.tier1.z', t1.z, 0);
  num('alerts.tier1.rearmZ', t1.rearmZ, 0);
  if (typeof t1.z === 'number' && typeof t1.rearmZ === 'number' && t1.rearmZ >= t1.z)
    errors.push(`alerts.tier1.rearmZ: ${t1.rearmZ} must be below alerts.tier1.z ${t1.z} (hysteresis)`);

  const t2 = section('alerts.tier2', alerts.tier2);
  bool('alerts.tier2.enabled', t2.enabled);
  series('alerts.tier2.zSeries', t2.zSeries, Z_SERIES);
  num('alerts.tier2.z', t2.z, 0);
  series('alerts.tier2.lsSeries', t2.lsSeries, ['ls_global', 'ls_top_accounts', 'ls_top_positions']);
  num('alerts.tier2.ls', t2.ls, 1);
  num('alerts.tier2.imbalancePct', t2.imbalancePct, 0);
  int('alerts.tier2.windowBuckets', t2.windowBuckets, 1);
  num('alerts.tier2.minFraction', t2.minFraction, 0);
  num('alerts.tier2.rearmFraction', t2.rearmFraction, 0);
  if (typeof t2.minFraction === 'number' && t2.minFraction > 1)
    errors.push('alerts.tier2.minFraction: must be at most 1');
  if (typeof t2.minFraction === 'number' && typeof t2.rearmFraction === 'number' && t2.rearmFraction >= t2.minFraction)
    errors.push(
      `alerts.tier2.rearmFraction: ${t2.rearmFraction} must be below alerts.tier2.minFraction ${t2.minFraction} (hysteresis)`,
    );

  const t3 = section('alerts.tier3', alerts.tier3);
  bool('alerts.tier3.enabled', t3.enabled);
  tfRef('alerts.tier3.timeframe', t3.timeframe);
  num('alerts.tier3.oiChgPct', t3.oiChgPct, 0);
  num('alerts.tier3.rearmOiChgPct', t3.rearmOiChgPct, 0);
  if (typeof t3.oiChgPct === 'number' && typeof t3.rearmOiChgPct === 'number' && t3.rearmOiChgPct >= t3.oiChgPct)
    errors.push(
      `alerts.tier3.rearmOiChgPct: ${t3.rearmOiChgPct} must be below alerts.tier3.oiChgPct ${t3.oiChgPct} (hysteresis)`,
    );

  const t4 = section('alerts.tier4', alerts.tier4);
  bool('alerts.tier4.enabled', t4.enabled);
  tfRef('alerts.tier4.timeframe', t4.timeframe);
  num('alerts.tier4.funding', t4.funding, 0);
  num('alerts.tier4.rearmFunding', t4.rearmFunding, 0);
  bool('alerts.tier4.mirror', t4.mirror);
  if (typeof t4.funding === 'number' && typeof t4.rearmFunding === 'number' && t4.rearmFunding >= t4.funding)
    errors.push(
      `alerts.tier4.rearmFunding: ${t4.rearmFunding} must be below alerts.tier4.funding ${t4.funding} (hysteresis)`,
    );

  const t5 = section('alerts.tier5', alerts.tier5);
  bool('alerts.tier5.enabled', t5.enabled);
  tfRef('alerts.tier5.timeframe', t5.timeframe);
  num('alerts.tier5.z', t5.z, 0);
  num('alerts.tier5.rearmZ', t5.rearmZ, 0);
  int('alerts.tier5.staleBuckets', t5.staleBuckets, 0);
  oneOf('alerts.tier5.oiReference', t5.oiReference, ['others_mean', 'oi_weighted']);
  bool('alerts.tier5.funding', t5.funding);
  if (typeof t5.z === 'number' && typeof t5.rearmZ === 'number' && t5.rearmZ >= t5.z)
    errors.push(`alerts.tier5.rearmZ: ${t5.rearmZ} must be below alerts.tier5.z ${t5.z} (hysteresis)`);

  const t6 = section('alerts.tier6', alerts.tier6);
  bool('alerts.tier6.enabled', t6.enabled);
  int('alerts.tier6.maxTier', t6.maxTier, 1, 5);
  int('alerts.tier6.minAlerts', t6.minAlerts, 2);
  int('alerts.tier6.windowMs', t6.windowMs, 1);

  const za = section('alerts.composite', alerts.composite);
  bool('alerts.composite.enabled', za.enabled);
  int('alerts.composite.tier', za.tier, 1, 5);
  num('alerts.composite.z', za.z, 0);
  num('alerts.composite.rearmZ', za.rearmZ, 0);
  if (typeof za.z === 'number' && typeof za.rearmZ === 'number' && za.rearmZ >= za.z)
    errors.push(`alerts.composite.rearmZ: ${za.rearmZ} must be below alerts.composite.z ${za.z} (hysteresis)`);

  errors.push(
    ...validateRules(alerts.rules, {
      timeframes: [...names],
      timeframeZSeries: Array.isArray(c.timeframeZSeries) ? c.timeframeZSeries : [],
    }),
  );
  return errors;
}

/** Keys the template does not have are almost always typos: name them rather than ignore them. */
function unknownKeys(obj: Plain, template: Plain, path: string, errors: string[]): void {
  for (const [k, v] of Object.entries(obj)) {
    const at = path ? `${path}.${k}` : k;
    if (!(k in template))
      errors.push(`${at}: unknown setting; remove it or check the spelling against defaultMetricsConfig`);
    // composite.weights is keyed by series name and checked on its own.
    else if (isPlain(v) && isPlain(template[k]) && at !== 'composite.weights') unknownKeys(v, template[k], at, errors);
  }
}

/** Defaults overlaid with `overrides`, validated; throws E_METRICS_CONFIG listing every problem. */
export function resolveMetricsConfig(overrides: unknown = {}): MetricsConfig {
  const merged = mergeMetricsConfig(overrides);
  const errors = validateMetricsConfig(merged);
  if (errors.length) throw metricsConfigError(errors);
  return merged as MetricsConfig;
}
