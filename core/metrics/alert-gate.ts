/**
 * Turns rule candidates into alerts: an alert fires only on a crossing (the rule side was armed,
 * i.e. seen clear of its hysteresis level since it last fired), never during warm-up, and not
 * while the market's cooldown for that direction runs, unless a higher tier than the one that
 * started the cooldown fires (it then takes the cooldown over). Higher tiers are decided first,
 * so in one bucket a tier-3 alert silences tier-1 alerts in the same direction.
 *
 * User rules arm the same way but keep their own cooldown per rule and direction, outside the
 * shared one: a trader's own line (price crosses 70,000) must not be swallowed by a tier-1 alert.
 * Tier 6 (a cluster of tier ≤ maxTier alerts) is decided last, from what fired.
 */
import { evaluateRules, newHeldMemory, type BucketFigures, type Candidate } from './alert-rules.ts';
import type { MetricsConfig } from './config.ts';
import type { AlertDirection, AlertTier } from './types.ts';
import type { CompiledRule } from './user-rules.ts';

interface Cooldown {
  until: number;
  tier: AlertTier;
}

/** Per-market alert memory. */
export class AlertState {
  /** Rule sides seen clear since they last fired. */
  readonly armed = new Set<string>();
  readonly held = newHeldMemory();
  readonly cooldown: Record<AlertDirection, Cooldown | null> = { up: null, down: null };
  /** User rule side → end of its cooldown. */
  readonly ruleCooldown = new Map<string, number>();
  /** Recent alerts that count towards a tier-6 cluster, per direction. */
  readonly recent: Record<AlertDirection, { ts: number; rule: string }[]> = { up: [], down: [] };

  /** After start or a gap: every rule must be seen clear again before it can fire. Cooldowns stay. */
  disarm(): void {
    this.armed.clear();
    this.held.fill(-Infinity);
    this.recent.up = [];
    this.recent.down = [];
  }
}

const strength = (c: Candidate): number => Math.abs(c.value) / (Math.abs(c.threshold) || 1);

/** Deterministic order: tier (high first), then how far past the threshold, then rule side. */
function byPriority(a: Candidate, b: Candidate): number {
  return b.tier - a.tier || strength(b) - strength(a) || (a.armKey < b.armKey ? -1 : a.armKey > b.armKey ? 1 : 0);
}

/**
 * Evaluate every rule for one closed bucket, advance arming, and return the alerts that fire, in
 * priority order. `allowed` is false during warm-up and for buckets closed by a gap: crossings
 * then only disarm.
 */
export function fireAlerts(
  cfg: MetricsConfig,
  rules: readonly CompiledRule[],
  f: BucketFigures,
  state: AlertState,
  bucketTs: number,
  allowed: boolean,
): Candidate[] {
  const candidates: Candidate[] = [];
  evaluateRules(cfg, f, state.held, {
    clear: (key) => state.armed.add(key),
    fire: (c) => candidates.push(c),
  });
  const fired: Candidate[] = [];
  if (candidates.length) {
    candidates.sort(byPriority);
    for (const c of candidates) {
      const armed = state.armed.delete(c.armKey);
      if (!armed || !allowed) continue;
      const cd = state.cooldown[c.direction];
      if (cd && bucketTs < cd.until && c.tier <= cd.tier) continue; // a crossing swallowed by the cooldown
      state.cooldown[c.direction] = { until: bucketTs + cfg.alerts.cooldownMs, tier: c.tier };
      fired.push(c);
    }
  }
  if (rules.length) fireUserRules(rules, f, state, bucketTs, allowed, fired);
  if (cfg.alerts.tier6.enabled && fired.length) fireCluster(cfg, state, bucketTs, fired);
  return fired;
}

function fireUserRules(
  rules: readonly CompiledRule[],
  f: BucketFigures,
  state: AlertState,
  bucketTs: number,
  allowed: boolean,
  fired: Candidate[],
): void {
  const row = f.row;
  for (const r of rules) {
    if (!r.appliesTo(row.exchange, row.symbol, row.market)) continue;
    const v = r.read(row, f.extremes);
    if (v === null || v === undefined || v !== v) continue; // unknown: neither fires nor re-arms
    for (const s of r.sides) {
      if (!s.fires(v)) {
        if (s.clears(v)) state.armed.add(s.armKey);
        continue;
      }
      const armed = state.armed.delete(s.armKey);
      if (!armed || !allowed || bucketTs < (state.ruleCooldown.get(s.armKey) ?? -Infinity)) continue;
      state.ruleCooldown.set(s.armKey, bucketTs + r.cooldownMs);
      const { rule } = r;
      fired.push({
        tier: rule.tier as AlertTier,
        rule: r.id,
        armKey: s.armKey,
        direction: s.direction,
        value: v,
        threshold: rule.threshold,
        inputs: { series: rule.series, op: rule.op, value: v, threshold: rule.threshold, hysteresis: rule.hysteresis },
      });
    }
  }
}

/**
 * Tier 6: when `minAlerts` alerts of tier ≤ maxTier in one direction fired within `windowMs`
 * (bucket time, this bucket's included), one cluster alert fires and the count starts again.
 */
function fireCluster(cfg: MetricsConfig, state: AlertState, bucketTs: number, fired: Candidate[]): void {
  const t = cfg.alerts.tier6;
  for (const direction of ['up', 'down'] as const) {
    const counted = fired.filter((c) => c.direction === direction && c.tier <= t.maxTier);
    if (counted.length === 0) continue;
    const recent = state.recent[direction].filter((a) => a.ts > bucketTs - t.windowMs);
    for (const c of counted) recent.push({ ts: bucketTs, rule: c.rule });
    state.recent[direction] = recent;
    if (recent.length < t.minAlerts) continue;
    state.recent[direction] = [];
    state.cooldown[direction] = { until: bucketTs + cfg.alerts.cooldownMs, tier: 6 };
    fired.push({
      tier: 6,
      rule: 'cluster',
      armKey: `cluster|${direction}`,
      direction,
      value: recent.length,
      threshold: t.minAlerts,
      inputs: {
        alerts: recent.length,
        max_tier: t.maxTier,
        window_ms: t.windowMs,
        first_bucket_ts: recent[0].ts,
        rules: recent.map((a) => a.rule).join(','),
      },
    });
  }
}
