/**
 * Alert quality per tier: how many alerts fired and, for each forward horizon whose return is
 * known, how often price went the alert's way (a hit: return > 0 after an `up` alert, < 0
 * after a `down` one; an unchanged price is a miss) and the mean return taken the alert's way
 * (what following the alerts would have earned per alert, before costs).
 */
import { FORWARD_HORIZONS, type ForwardColumn } from './types.ts';

export interface HorizonStats {
  /** Alerts whose return at this horizon is known. */
  known: number;
  hits: number;
  /** hits / known, null when none is known. */
  hitRate: number | null;
  /** Mean forward return (%) in the alert's direction (negated after `down`), null when none is known. */
  meanReturn: number | null;
}

export interface TierStats {
  /** 1–6, or 'all'. */
  tier: number | 'all';
  alerts: number;
  horizons: Record<ForwardColumn, HorizonStats>;
}

/** What an alert is judged on: the move it predicted and the returns that followed (null until known). */
export type AlertOutcome = { direction: string } & Record<ForwardColumn, number | null>;

/**
 * Hits per horizon over some alerts: the one hit-rate computation (the CLI's `metrics alerts`
 * table and the continuity report both use it). Forward returns stay null until their horizon
 * has passed; those alerts are not judged yet.
 */
export function hitStats(alerts: Iterable<AlertOutcome>): Record<ForwardColumn, HorizonStats> {
  const horizons = Object.fromEntries(
    FORWARD_HORIZONS.map((h) => [h.column, { known: 0, hits: 0, hitRate: null, meanReturn: null }]),
  ) as Record<ForwardColumn, HorizonStats>;
  const sums = Object.fromEntries(FORWARD_HORIZONS.map((h) => [h.column, 0])) as Record<ForwardColumn, number>;
  for (const a of alerts) {
    for (const { column } of FORWARD_HORIZONS) {
      const ret = a[column];
      if (ret === null) continue;
      horizons[column].known++;
      if (a.direction === 'up' ? ret > 0 : ret < 0) horizons[column].hits++;
      sums[column] += a.direction === 'up' ? ret : -ret;
    }
  }
  for (const { column } of FORWARD_HORIZONS) {
    const h = horizons[column];
    h.hitRate = h.known ? h.hits / h.known : null;
    h.meanReturn = h.known ? sums[column] / h.known : null;
  }
  return horizons;
}

const TIERS = [1, 2, 3, 4, 5, 6] as const;

/**
 * Per tier 1..6 (every tier listed, even with no alerts) and a final 'all' line, over alerts read
 * from one file or gathered across a recording's segments (replay/recorded-alerts.ts).
 */
export function alertStats(rows: readonly (AlertOutcome & { tier: number })[]): TierStats[] {
  const byTier = TIERS.map((tier) => rows.filter((r) => Number(r.tier) === tier));
  const lines: TierStats[] = TIERS.map((tier, i) => ({
    tier,
    alerts: byTier[i].length,
    horizons: hitStats(byTier[i]),
  }));
  const all = byTier.flat();
  return [...lines, { tier: 'all', alerts: all.length, horizons: hitStats(all) }];
}
