/**
 * What the recorded database holds, read READ-ONLY: rows per table, gaps, alerts by tier with
 * their hit rate, and the average |z| of the metrics. A missing file or table is not an error:
 * a fresh checkout has no database, and metrics/alerts tables only exist once those modules ran.
 *
 * With a recordings folder (config store.dir) the database is its hot part: closed segments are
 * counted from the catalog, and the hot rows already closed (awaiting purge) are left out, so the
 * event rows and gaps cover the whole recording and do not drop when a segment closes.
 */
import { existsSync, statSync } from 'node:fs';
import { hasCatalog, readCatalog } from '../replay/adapters/catalog-file.ts';
import type { NodeDb } from '../replay/adapters/node-sqlite.ts';
import { openRecordingFile } from '../replay/adapters/recording-file.ts';
import { hitStats, type AlertOutcome } from '../core/metrics/alert-stats.ts';
import { schemaVersion } from '../core/migrations.ts';
import { catalogMaxSeq, type Catalog, type SegmentEntry } from '../core/catalog.ts';
import { EVENT_TABLES } from '../core/tables.ts';

/** Market-data tables of migration 001: always reported (0 when absent). */
export const MARKET_TABLES = ['markets', ...EVENT_TABLES.map((t) => t.table)];
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

/** The closed segments of a recordings folder, from its catalog. */
export interface RecordingsStats {
  /** The configured folder (as the user wrote it). */
  path: string;
  segments: number;
  /** Compressed bytes of the closed segments. */
  bytes: number;
  events: number;
  /** Period covered by the closed segments, epoch ms (null when none). */
  from: number | null;
  to: number | null;
  pins: number;
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
  /** The recordings folder, when the collector writes one (null without store.dir or catalog). */
  recordings: RecordingsStats | null;
  /** Things that could not be read, for the diagnostics section. */
  problems: string[];
}

const fileBytes = (p: string) => (existsSync(p) ? statSync(p).size : 0);

/** A recordings folder to count in: `dir` as opened, `label` as configured. */
export interface RecordingsFolder {
  dir: string;
  label: string;
}

export function readDatabaseStats(
  file: string,
  label: string,
  since: number | null,
  folder: RecordingsFolder | null = null,
): DatabaseStats {
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
    recordings: null,
    problems: [],
  };
  const closed = folder ? closedSegments(folder, stats) : null;
  if (closed) addClosed(closed, stats, since);
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
    collect(db, stats, since, closed ? catalogMaxSeq(closed) : 0);
  } catch (err) {
    stats.problems.push(`cannot read ${label}: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  return stats;
}

/** The catalog of `folder` (recorded in `stats`), or null when it has none or it cannot be read. */
function closedSegments(folder: RecordingsFolder, stats: DatabaseStats): Catalog | null {
  if (!hasCatalog(folder.dir)) return null;
  let catalog: Catalog;
  try {
    catalog = readCatalog(folder.dir);
  } catch (err) {
    stats.problems.push((err as Error).message);
    return null;
  }
  const closed = catalog.segments.filter((s) => !s.open);
  const sum = (f: (s: SegmentEntry) => number) => closed.reduce((n, s) => n + f(s), 0);
  stats.recordings = {
    path: folder.label,
    segments: closed.length,
    bytes: sum((s) => s.bytes),
    events: sum((s) => s.events),
    from: closed.length ? Math.min(...closed.map((s) => s.from)) : null,
    to: closed.length ? Math.max(...closed.map((s) => s.to)) : null,
    pins: catalog.pins.length,
  };
  return { ...catalog, segments: closed };
}

/** The closed segments' events per table and gaps; a segment ending after `since` counts whole. */
function addClosed(closed: Catalog, stats: DatabaseStats, since: number | null): void {
  for (const s of closed.segments) {
    for (const t of EVENT_TABLES) stats.rows[t.table] += s.kinds[t.kind] ?? 0;
    if (stats.gapsSince !== null && since !== null && s.to > since) stats.gapsSince += s.kinds.gap ?? 0;
  }
  stats.gapsTotal = stats.rows.gaps;
}

/** `floor`: the highest seq already in a closed segment; hot rows up to it are not counted twice. */
function collect(db: NodeDb, stats: DatabaseStats, since: number | null, floor: number): void {
  const tables = new Set(
    db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").map((r) => r.name),
  );
  stats.schemaVersion = schemaVersion(db);
  const count = (sql: string, params: number[] = []) => Number(db.all<{ n: number }>(sql, params)[0].n);
  for (const t of MARKET_TABLES)
    if (tables.has(t))
      stats.rows[t] +=
        t === 'markets'
          ? count('SELECT count(*) AS n FROM markets')
          : count(`SELECT count(*) AS n FROM "${t}" WHERE seq > ?`, [floor]);
  for (const t of DERIVED_TABLES) if (tables.has(t)) stats.rows[t] = count(`SELECT count(*) AS n FROM "${t}"`);
  if (tables.has('gaps')) {
    stats.gapsTotal = stats.rows.gaps;
    if (since !== null)
      stats.gapsSince =
        (stats.gapsSince ?? 0) + count('SELECT count(*) AS n FROM gaps WHERE seq > ? AND local_ts > ?', [floor, since]);
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
          db
            .all<{ tier: number; n: number }>('SELECT tier, count(*) AS n FROM alerts GROUP BY tier ORDER BY tier')
            .map((r) => [`tier ${r.tier}`, Number(r.n)]),
        ),
        hitRate: hitRates(db),
      };
    });
}

/** The shared hit-rate computation, in this report's words and as a percentage. */
function hitRates(db: NodeDb): Record<Horizon, HitRate> {
  const stats = hitStats(
    db.iterate<AlertOutcome>('SELECT direction, fwd_ret_5m, fwd_ret_15m, fwd_ret_60m FROM alerts'),
  );
  return Object.fromEntries(
    HORIZONS.map((h) => {
      const { known, hits } = stats[`fwd_ret_${h}`];
      return [h, { evaluated: known, hits, pct: known ? (100 * hits) / known : null }];
    }),
  ) as Record<Horizon, HitRate>;
}
