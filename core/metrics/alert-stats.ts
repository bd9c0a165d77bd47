/**
 * Alert quality per tier: how many alerts fired and, for each forward horizon whose return is
 * known, how often price went the alert's way (a hit: return > 0 after an `up` alert, < 0
 * after a `down` one; an unchanged price is a miss).
 */
import type { Db } from '../db.ts';
import { FORWARD_HORIZONS, type ForwardColumn } from './types.ts';

export interface HorizonStats {
  /** Alerts whose return at this horizon is known. */
  known: number;
  hits: number;
  /** hits / known, null when none is known. */
  hitRate: number | null;
}

export interface TierStats {
  /** 1–5, or 'all'. */
  tier: number | 'all';
  alerts: number;
  horizons: Record<ForwardColumn, HorizonStats>;
}

interface Row {
  tier: number;
  direction: string;
  fwd_ret_5m: number | null;
  fwd_ret_15m: number | null;
  fwd_ret_60m: number | null;
}

/** Per tier 1..5 (every tier listed, even with no alerts) and a final 'all' line. */
export function alertStats(db: Db): TierStats[] {
  const rows = db.all<Row>('SELECT tier, direction, fwd_ret_5m, fwd_ret_15m, fwd_ret_60m FROM alerts');
  const lines: TierStats[] = [1, 2, 3, 4, 5, 'all'].map((tier) => ({
    tier: tier as TierStats['tier'],
    alerts: 0,
    horizons: Object.fromEntries(FORWARD_HORIZONS.map((h) => [h.column, { known: 0, hits: 0, hitRate: null }])) as TierStats['horizons'],
  }));
  const all = lines[5];
  for (const r of rows) {
    const line = lines[Number(r.tier) - 1];
    if (!line) continue;
    for (const l of [line, all]) {
      l.alerts++;
      for (const { column } of FORWARD_HORIZONS) {
        const ret = r[column];
        if (ret === null) continue;
        l.horizons[column].known++;
        if (r.direction === 'up' ? ret > 0 : ret < 0) l.horizons[column].hits++;
      }
    }
  }
  for (const l of lines) for (const h of Object.values(l.horizons)) h.hitRate = h.known ? h.hits / h.known : null;
  return lines;
}
