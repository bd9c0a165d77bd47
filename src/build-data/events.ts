/** Alerts, gaps, feed state and row counts at build time; each reads only tables that exist. */
import type { Db } from '../../core/db.ts';
import { EVENT_TABLES } from '../../core/tables.ts';
import { alertRowFrom } from '../lib/alert-row.ts';
import type { AlertRow, FeedRow, GapRow, TableCount } from '../lib/snapshot-types.ts';
import { hasTable } from './schema-probe.ts';

/** Enough history for the alerts page to filter by tier, market and time without a server. */
export const STATIC_ALERT_LIMIT = 2000;
export const STATIC_GAP_LIMIT = 500;

export function readAlerts(db: Db, limit = STATIC_ALERT_LIMIT, market?: string): AlertRow[] {
  if (!hasTable(db, 'alerts')) return [];
  const rows = market
    ? db.all<Record<string, unknown>>('SELECT * FROM alerts WHERE market = ? ORDER BY local_ts DESC LIMIT ?', [
        market,
        limit,
      ])
    : db.all<Record<string, unknown>>('SELECT * FROM alerts ORDER BY local_ts DESC LIMIT ?', [limit]);
  return rows.map(alertRowFrom).filter((r): r is AlertRow => r !== null);
}

export function readGaps(db: Db, limit = STATIC_GAP_LIMIT): GapRow[] {
  if (!hasTable(db, 'gaps')) return [];
  return db.all<GapRow>(
    'SELECT exchange, market, stream, start_ts, end_ts, cause FROM gaps ORDER BY seq DESC LIMIT ?',
    [limit],
  );
}

export function readFeeds(db: Db): FeedRow[] {
  if (!hasTable(db, 'feed_state')) return [];
  return db.all<FeedRow>('SELECT exchange, stream, last_local_ts FROM feed_state ORDER BY exchange, stream');
}

const OTHER_TABLES = ['metrics', 'alerts'];

export function readCounts(db: Db): TableCount[] {
  const tables = [...EVENT_TABLES.map((t) => t.table), ...OTHER_TABLES].filter((t) => hasTable(db, t));
  return tables.map((table) => ({
    table,
    rows: Number(db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]?.n ?? 0),
  }));
}

/** Receipt time of the newest event: the highest seq of each table is its newest row. */
export function readAsOf(db: Db): number | null {
  let newest: number | null = null;
  for (const { table } of EVENT_TABLES) {
    if (!hasTable(db, table)) continue;
    const [r] = db.all<{ t: number }>(`SELECT local_ts AS t FROM ${table} ORDER BY seq DESC LIMIT 1`);
    if (r && (newest === null || r.t > newest)) newest = r.t;
  }
  return newest;
}
