/**
 * What the recorded database holds, read READ-ONLY: rows per table, gaps, alerts by tier with
 * their hit rate, and the average |z| of the metrics. A missing file or table is not an error:
 * a fresh checkout has no database, and metrics/alerts tables only exist once those modules ran.
 */
import { existsSync, statSync } from 'node:fs';
import type { NodeDb } from '../replay/adapters/node-sqlite.ts';
import { openRecordingFile } from '../replay/adapters/recording-file.ts';
import { schemaVersion } from '../core/migrations.ts';

/** Market-data tables of migration 001: always reported (0 when absent). */
export const MARKET_TABLES = [
  'markets',
  'trades',
  'book_tickers',
  'book_tops',
  'derivative_tickers',
  'liquidations',
  'open_interest',
  'long_short',
  'gaps',
] as const;
/** Tables of the metrics engine (migration 002): reported only when present, so an older file still reads. */
export const DERIVED_TABLES = ['metrics', 'alerts'] as const;

export const HORIZONS = ['5m', '15m', '60m'] as const;
export type Horizon = (typeof HORIZONS)[number];

export interface HitRate {
  /** Alerts whose forward return over the horizon is known. */
  evaluated: number;
  /** Of those, the ones the market moved in the alert's direction. */
  hits: number;
  pct: number | null;
}

export interface DatabaseStats {
  /** The configured path (as the user wrote it). */
  path: string;
  exists: boolean;
  /** Database file plus its WAL. */
  bytes: number;
  schemaVersion: number | null;
  rows: Record<string, number>;
  gapsTotal: number;
  /** Gaps recorded after `since` (null when there is no earlier snapshot). */
  gapsSince: number | null;
  alerts: { byTier: Record<string, number>; hitRate: Record<Horizon, HitRate> } | null;
  metrics: { avgAbsZ: number | null } | null;
  /** Things that could not be read, for the diagnostics section. */
  problems: string[];
}

/** alerts.direction (migration 002) is the move the alert predicts: 'up' or 'down'. */
const DIRECTION_SIGN: Record<string, number> = { up: 1, down: -1 };

const fileBytes = (p: string) => (existsSync(p) ? statSync(p).size : 0);

export function readDatabaseStats(file: string, label: string, since: number | null): DatabaseStats {
  const stats: DatabaseStats = {
    path: label,
    exists: existsSync(file),
    bytes: fileBytes(file) + fileBytes(`${file}-wal`),
    schemaVersion: null,
    rows: Object.fromEntries(MARKET_TABLES.map((t) => [t, 0])),
    gapsTotal: 0,
    gapsSince: since === null ? null : 0,
    alerts: null,
    metrics: null,
    problems: [],
  };
  if (!stats.exists) return stats;
  let db: NodeDb;
  try {
    db = openRecordingFile(file, label);
  } catch (err) {
    // One line naming the file and what is wrong with it (foreign, newer, damaged).
    stats.problems.push((err as Error).message);
    return stats;
  }
  try {
    collect(db, stats, since);
  } catch (err) {
    stats.problems.push(`cannot read ${label}: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  return stats;
}

function collect(db: NodeDb, stats: DatabaseStats, since: number | null): void {
  const tables = new Set(db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name));
  stats.schemaVersion = schemaVersion(db);
  for (const t of [...MARKET_TABLES, ...DERIVED_TABLES])
    if (tables.has(t)) stats.rows[t] = Number(db.all<{ n: number }>(`SELECT count(*) AS n FROM "${t}"`)[0].n);
  if (tables.has('gaps')) {
    stats.gapsTotal = stats.rows.gaps;
    if (since !== null) stats.gapsSince = Number(db.all<{ n: number }>('SELECT count(*) AS n FROM gaps WHERE local_ts > ?', [since])[0].n);
  }
  // A file from another build may lack a column: a query that fails is reported, not fatal.
  const optional = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      stats.problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  if (tables.has('metrics'))
    optional('metrics.z_max', () => {
      const r = db.all<{ z: number | null }>('SELECT avg(abs(z_max)) AS z FROM metrics WHERE z_max IS NOT NULL')[0];
      stats.metrics = { avgAbsZ: r.z === null ? null : Number(r.z) };
    });
  if (tables.has('alerts'))
    optional('alerts', () => {
      stats.alerts = {
        byTier: Object.fromEntries(
          db.all<{ tier: number; n: number }>('SELECT tier, count(*) AS n FROM alerts GROUP BY tier ORDER BY tier').map((r) => [`tier ${r.tier}`, Number(r.n)]),
        ),
        hitRate: hitRates(db),
      };
    });
}

function hitRates(db: NodeDb): Record<Horizon, HitRate> {
  const rates = Object.fromEntries(HORIZONS.map((h) => [h, { evaluated: 0, hits: 0, pct: null }])) as Record<Horizon, HitRate>;
  // Forward returns stay null until their horizon has passed; those alerts are not judged yet.
  const rows = db.iterate<{ direction: string; r5: number | null; r15: number | null; r60: number | null }>(
    'SELECT direction, fwd_ret_5m AS r5, fwd_ret_15m AS r15, fwd_ret_60m AS r60 FROM alerts',
  );
  for (const row of rows) {
    const sign = DIRECTION_SIGN[row.direction];
    if (sign === undefined) continue;
    const byHorizon: Record<Horizon, number | null> = { '5m': row.r5, '15m': row.r15, '60m': row.r60 };
    for (const h of HORIZONS) {
      const ret = byHorizon[h];
      if (ret === null) continue;
      rates[h].evaluated++;
      if (Math.sign(ret) === sign) rates[h].hits++;
    }
  }
  for (const h of HORIZONS) rates[h].pct = rates[h].evaluated ? (100 * rates[h].hits) / rates[h].evaluated : null;
  return rates;
}
