/**
 * User-defined alert rules (`metrics.alerts.rules`): a metric series or an event field of a
 * closed bucket compared with a threshold, e.g. `liquidation.notional >= 250000`,
 * `price crosses 70000`, `funding_rate >= 0.0005`, `z:oi_chg_pct >= 3`. They run in the same
 * engine as the built-in tiers, at the same bucket close, so live, Node replay, browser replay
 * and `metrics verify` agree on them. Semantics: docs/quant-blueprint.md, "User-defined rules".
 */
import { closestKey } from '../closest-name.ts';
import { METRIC_COLUMNS, TIMEFRAME_FIELDS } from './columns.ts';
import { EXCHANGES } from '../events.ts';
import { Z_SERIES, type TimeframeZSeries } from './series.ts';
import type { AlertDirection, MetricRow } from './types.ts';

export interface UserRule {
  /** Letters, digits, `_` and `-`; the alert's rule is `user:<name>`. */
  name: string;
  /** What is compared: see SERIES_HELP. */
  series: string;
  /** `>=` fires at or above the threshold, `<=` at or below, `crosses` both ways. */
  op: '>=' | '<=' | 'crosses';
  threshold: number;
  /** How far back past the threshold the value must go before the rule can fire again (≥ 0). */
  hysteresis: number;
  /** 1–6. */
  tier: number;
  /** `auto`: up for `>=`, down for `<=`, the way it crossed for `crosses`. */
  direction: AlertDirection | 'auto';
  /** Unified markets (`BTC/USDT:USDT`) or `exchange:SYMBOL`; empty: every market. */
  markets: string[];
  /** Quiet time per market and direction after the rule fires; null: `alerts.cooldownMs`. */
  cooldownMs: number | null;
}

/** What a rule may leave out. */
export const RULE_DEFAULTS = { hysteresis: 0, tier: 1, direction: 'auto', markets: [], cooldownMs: null } as const;

/** Row fields a rule can name directly (numbers, or null when unknown): price … z_max but the regime label. */
const ROW_SERIES: readonly string[] = [
  ...METRIC_COLUMNS.slice(METRIC_COLUMNS.indexOf('price'), METRIC_COLUMNS.indexOf('z_max') + 1).filter(
    (c) => c !== 'regime',
  ),
  'liq_usd',
];
/** Event fields: the largest single event of the bucket. */
export const EVENT_SERIES = ['liquidation.notional', 'trade.notional'] as const;

/** What the config computes, so a rule cannot name a figure that will never have a value. */
export interface SeriesScope {
  /** The configured timeframes' names. */
  timeframes: readonly string[];
  /** The configured `timeframeZSeries`. */
  timeframeZSeries: readonly string[];
}

/** Every series a rule can name, for suggestions in errors. */
function knownSeries(scope: SeriesScope): string[] {
  return [
    ...ROW_SERIES,
    ...EVENT_SERIES,
    ...[...Z_SERIES, 'xex_oi', 'xex_funding'].map((s) => `z:${s}`),
    ...scope.timeframes.flatMap((tf) => [
      ...TIMEFRAME_FIELDS.map((f) => `${tf}.${f}`),
      ...scope.timeframeZSeries.map((s) => `z:${tf}.${s}`),
    ]),
  ];
}

function seriesProblem(series: unknown, scope: SeriesScope): string {
  const near = typeof series === 'string' ? closestKey(series, knownSeries(scope)) : null;
  return (
    `${JSON.stringify(series)} is not a series: name a metric (e.g. price, funding_rate, liq_usd), z:<series> ` +
    `(z:oi_chg_pct), <timeframe>.<figure> (15m.oi_chg_pct) or an event field (${EVENT_SERIES.join(', ')})` +
    (near ? `; did you mean ${near}?` : '; docs/quant-blueprint.md, "User-defined rules", lists them all')
  );
}

/** The largest single liquidation and trade notional (quote) of the bucket; 0 when none. */
export interface BucketExtremes {
  liquidation: number;
  trade: number;
}

type Read = (row: MetricRow, ex: BucketExtremes) => number | null | undefined;

/** How to read `series` from a closed bucket, or null when it names nothing. */
export function seriesReader(series: string, scope: SeriesScope): Read | null {
  if (series === 'liquidation.notional') return (_r, ex) => ex.liquidation;
  if (series === 'trade.notional') return (_r, ex) => ex.trade;
  if (series === 'liq_usd') return (r) => r.liq_long_usd + r.liq_short_usd;
  if (ROW_SERIES.includes(series)) {
    const field = series as keyof MetricRow;
    return (r) => r[field] as number | null;
  }
  const z = series.startsWith('z:');
  const name = z ? series.slice(2) : series;
  const dot = name.indexOf('.');
  if (dot < 0) {
    if (!z || !([...Z_SERIES, 'xex_oi', 'xex_funding'] as string[]).includes(name)) return null;
    const key = name as keyof MetricRow['z'];
    return (r) => r.z[key];
  }
  const tf = name.slice(0, dot);
  const field = name.slice(dot + 1);
  if (!scope.timeframes.includes(tf)) return null;
  if (z) {
    if (!scope.timeframeZSeries.includes(field)) return null;
    const key = field as TimeframeZSeries;
    return (r) => r.timeframes[tf].z[key];
  }
  if (!(TIMEFRAME_FIELDS as readonly string[]).includes(field)) return null;
  const key = field as (typeof TIMEFRAME_FIELDS)[number];
  return (r) => r.timeframes[tf][key];
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rules with what they left out filled in (anything that is not an object is left for validation). */
export function normaliseRules(rules: unknown): unknown {
  if (!Array.isArray(rules)) return rules;
  return rules.map((r) => (isPlain(r) ? { ...RULE_DEFAULTS, ...r } : r));
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A unified market: BASE/QUOTE:SETTLE. */
const UNIFIED = /^[A-Za-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+$/;

/** A market entry that can never match (a typo would silently watch nothing), described. */
function marketProblem(m: string, report: (what: string) => void): void {
  if (UNIFIED.test(m)) return;
  const colon = m.indexOf(':');
  const exchange = colon < 0 ? '' : m.slice(0, colon);
  if (colon > 0 && colon < m.length - 1 && (EXCHANGES as readonly string[]).includes(exchange)) return;
  // "binance" for binance-usdm is the common slip: the venue without its product.
  const near =
    colon > 0 ? (EXCHANGES.find((e) => e.startsWith(`${exchange}-`)) ?? closestKey(exchange, EXCHANGES)) : null;
  report(
    `${JSON.stringify(m)} is neither a unified market (BTC/USDT:USDT) nor exchange:SYMBOL with an exchange of ` +
      `${EXCHANGES.join(', ')}${near ? `; did you mean ${near}:${m.slice(colon + 1)}?` : ''}`,
  );
}
const RULE_KEYS = new Set([
  'name',
  'series',
  'op',
  'threshold',
  'hysteresis',
  'tier',
  'direction',
  'markets',
  'cooldownMs',
]);

/** Every problem with `alerts.rules`, each naming the rule and the field. */
export function validateRules(rules: unknown, scope: SeriesScope): string[] {
  if (!Array.isArray(rules)) return ['alerts.rules: must be an array of rules (see docs/quant-blueprint.md)'];
  const errors: string[] = [];
  const names = new Set<string>();
  rules.forEach((r, i) => {
    const at = `alerts.rules[${i}]`;
    if (!isPlain(r)) {
      errors.push(
        `${at}: must be an object like { "name": "big-liq", "series": "liquidation.notional", "op": ">=", "threshold": 250000 }`,
      );
      return;
    }
    const label = typeof r.name === 'string' && r.name ? `${at} "${r.name}"` : at;
    const bad = (field: string, what: string) =>
      errors.push(`${label}.${field}: ${what}, got ${JSON.stringify(r[field])}`);
    for (const k of Object.keys(r)) {
      if (RULE_KEYS.has(k)) continue;
      const near = closestKey(k, [...RULE_KEYS]);
      errors.push(
        `${label}.${k}: unknown field; ${near ? `did you mean ${near}?` : `one of ${[...RULE_KEYS].join(', ')}`}`,
      );
    }
    if (typeof r.name !== 'string' || !NAME.test(r.name)) bad('name', 'must be 1–64 letters, digits, _ or -');
    else if (names.has(r.name)) bad('name', 'is used by an earlier rule; give each rule its own name');
    else names.add(r.name);
    if (typeof r.series !== 'string' || !seriesReader(r.series, scope))
      errors.push(`${label}.series: ${seriesProblem(r.series, scope)}`);
    if (r.op !== '>=' && r.op !== '<=' && r.op !== 'crosses') bad('op', 'must be ">=", "<=" or "crosses"');
    if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) bad('threshold', 'must be a finite number');
    if (typeof r.hysteresis !== 'number' || !(r.hysteresis >= 0) || !Number.isFinite(r.hysteresis))
      bad('hysteresis', 'must be a finite number >= 0');
    if (typeof r.tier !== 'number' || !Number.isInteger(r.tier) || r.tier < 1 || r.tier > 6)
      bad('tier', 'must be an integer 1–6');
    if (r.direction !== 'up' && r.direction !== 'down' && r.direction !== 'auto')
      bad('direction', 'must be "up", "down" or "auto"');
    if (!Array.isArray(r.markets) || !r.markets.every((m) => typeof m === 'string' && m !== ''))
      bad('markets', `must be a list of markets like "BTC/USDT:USDT" or "binance-usdm:BTCUSDT" (empty: every market)`);
    else for (const m of r.markets as string[]) marketProblem(m, (what) => errors.push(`${label}.markets: ${what}`));
    if (
      r.cooldownMs !== null &&
      (typeof r.cooldownMs !== 'number' || !Number.isInteger(r.cooldownMs) || r.cooldownMs < 0)
    )
      bad('cooldownMs', 'must be an integer >= 0, or null for alerts.cooldownMs');
  });
  return errors;
}

/** One side of a compiled rule. */
interface RuleSide {
  armKey: string;
  direction: AlertDirection;
  /** The value is at or past the threshold. */
  fires: (v: number) => boolean;
  /** The value is back past the hysteresis level: the side may fire again. */
  clears: (v: number) => boolean;
}

export interface CompiledRule {
  rule: UserRule;
  /** `user:<name>`. */
  id: string;
  read: Read;
  sides: RuleSide[];
  appliesTo: (exchange: string, symbol: string, market: string) => boolean;
  cooldownMs: number;
}

export function compileRules(rules: readonly UserRule[], scope: SeriesScope, cooldownMs: number): CompiledRule[] {
  return rules.map((rule) => {
    const id = `user:${rule.name}`;
    const { threshold: t, hysteresis: h } = rule;
    const dir = (auto: AlertDirection): AlertDirection => (rule.direction === 'auto' ? auto : rule.direction);
    const above: RuleSide = {
      armKey: `${id}|up`,
      direction: dir('up'),
      fires: (v) => v >= t,
      clears: (v) => v < t - h,
    };
    const below: RuleSide =
      rule.op === 'crosses'
        ? // Crossing down is leaving the ≥ side, so the sides never fire on the same value.
          { armKey: `${id}|down`, direction: dir('down'), fires: (v) => v < t, clears: (v) => v >= t + h }
        : { armKey: `${id}|down`, direction: dir('down'), fires: (v) => v <= t, clears: (v) => v > t + h };
    const sides = rule.op === '>=' ? [above] : rule.op === '<=' ? [below] : [above, below];
    const wanted = new Set(rule.markets);
    return {
      rule,
      id,
      read: seriesReader(rule.series, scope) as Read,
      sides,
      appliesTo: (exchange, symbol, market) =>
        wanted.size === 0 || wanted.has(market) || wanted.has(`${exchange}:${symbol}`),
      cooldownMs: rule.cooldownMs ?? cooldownMs,
    };
  });
}
