/**
 * Turns rule candidates into alerts: an alert fires only on a crossing (the rule side was armed,
 * i.e. seen clear of its hysteresis level since it last fired), never during warm-up, and not
 * while the market's cooldown for that direction runs, unless a higher tier than the one that
 * started the cooldown fires (it then takes the cooldown over). Higher tiers are decided first,
 * so in one bucket a tier-3 alert silences tier-1 alerts in the same direction.
 */
import { evaluateRules, newHeldMemory, type BucketFigures, type Candidate } from './alert-rules.ts';
import type { MetricsConfig } from './config.ts';
import type { AlertDirection, AlertTier } from './types.ts';

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

  /** After start or a gap: every rule must be seen clear again before it can fire. Cooldowns stay. */
  disarm(): void {
    this.armed.clear();
    this.held.fill(-Infinity);
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
  if (candidates.length === 0) return candidates;
  candidates.sort(byPriority);
  const fired: Candidate[] = [];
  for (const c of candidates) {
    const armed = state.armed.delete(c.armKey);
    if (!armed || !allowed) continue;
    const cd = state.cooldown[c.direction];
    if (cd && bucketTs < cd.until && c.tier <= cd.tier) continue; // a crossing swallowed by the cooldown
    state.cooldown[c.direction] = { until: bucketTs + cfg.alerts.cooldownMs, tier: c.tier };
    fired.push(c);
  }
  return fired;
}
