/**
 * Make a consistent, sql.js-readable copy of a live database. Synchronous (better-sqlite3): runs
 * inside the export worker thread, never on the daemon's event loop.
 *
 * `VACUUM INTO` reads the source inside one read transaction, so the copy is the database as it
 * was at one instant, WAL content included (the live writer is not blocked: WAL readers never
 * block writers). The copy is then switched to `journal_mode=DELETE` (browser SQLite builds do not
 * read WAL files), filtered, integrity-checked and fsynced; the caller renames it into place.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { copyRange, finishSegment } from '../store/extract.ts';
import { VERSION } from '../version.ts';
import { exportError } from './errors.ts';
import type { ExportFilters } from './filters.ts';

export interface SnapshotJob extends ExportFilters {
  dbPath: string;
  /** Temporary file beside the target; must not exist. */
  tmpPath: string;
}

export interface CopyResult {
  bytes: number;
  /** Rows per table in the copy. */
  tables: Record<string, number>;
  /** Rows removed by the filters. */
  removed: number;
}

export type ExportStage = 'copying' | 'filtering' | 'checking';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function tableNames(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

/** Storage of a v2 file that its views show under the v1 names (core/migrations/003_compact_store.sql). */
const V2_STORAGE = new Set(['market_keys', 'store_meta', 'metric_timeframes', 'alert_returns', 'base_ts']);

/** What the user counts rows of: tables, and in a v2 file the views over its compact tables. */
function countedNames(db: Database.Database): string[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string }[];
  return rows.map((r) => r.name).filter((n) => !n.endsWith('_rows') && !V2_STORAGE.has(n));
}

const isV2 = (db: Database.Database) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trade_rows'").get() !== undefined;

function totalRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return countedNames(db).reduce(
      (n, name) =>
        n +
        Number(
          db
            .prepare(`SELECT count(*) FROM ${quote(name)}`)
            .pluck()
            .get(),
        ),
      0,
    );
  } finally {
    db.close();
  }
}

/**
 * A v2 copy filtered by building a new file from the rows in the window (copyRange), since its
 * rows have neither `local_ts` nor `market` to delete by; sealed like a segment (finishSegment).
 */
function filterV2(path: string, f: ExportFilters): number {
  const filtered = `${path}.filtered`;
  rmSync(filtered, { force: true });
  try {
    const before = totalRows(path);
    copyRange(path, filtered, { from: f.from, to: f.to, markets: f.markets, base: f.from ?? 0 });
    finishSegment(filtered, { from: f.from ?? 0, to: f.to ?? 0, codeVersion: VERSION });
    const removed = before - totalRows(filtered);
    renameSync(filtered, path);
    return removed;
  } finally {
    rmSync(filtered, { force: true });
  }
}

function columnsOf(db: Database.Database, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/**
 * Delete rows outside the filters from every table that has the columns to judge by: `local_ts`
 * for the time range, `market` for markets. Rows with market '' (a whole connection's gap)
 * concern every market and are kept. Rows left pointing at a deleted parent (a webhook delivery
 * of an alert filtered out) go too, so the copy passes `PRAGMA foreign_key_check`.
 */
function applyFilters(db: Database.Database, f: ExportFilters): number {
  let removed = 0;
  db.transaction(() => {
    for (const table of tableNames(db)) {
      const cols = columnsOf(db, table);
      if (cols.has('local_ts') && f.from !== undefined)
        removed += db.prepare(`DELETE FROM ${quote(table)} WHERE local_ts < ?`).run(f.from).changes;
      if (cols.has('local_ts') && f.to !== undefined)
        removed += db.prepare(`DELETE FROM ${quote(table)} WHERE local_ts >= ?`).run(f.to).changes;
      if (cols.has('market') && f.markets)
        removed += db
          .prepare(`DELETE FROM ${quote(table)} WHERE market <> '' AND market NOT IN (SELECT value FROM json_each(?))`)
          .run(JSON.stringify(f.markets)).changes;
    }
    const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number }[];
    for (const o of orphans)
      removed += db.prepare(`DELETE FROM ${quote(o.table)} WHERE rowid = ?`).run(o.rowid).changes;
  })();
  return removed;
}

/** Flushes a written file to disk (before it is renamed into place). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function copySnapshot(job: SnapshotJob, progress: (stage: ExportStage) => void): CopyResult {
  progress('copying');
  let source: Database.Database;
  try {
    source = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw exportError('E_EXPORT_SOURCE', `cannot open ${job.dbPath}: ${(err as Error).message}`);
  }
  try {
    source.prepare('VACUUM INTO ?').run(job.tmpPath);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw exportError(
        'E_EXPORT_SOURCE',
        `${job.dbPath} is not a readable SQLite database (${code}: ${(err as Error).message})`,
      );
    throw err;
  } finally {
    source.close();
  }

  let copy = new Database(job.tmpPath);
  let removed = 0;
  const tables: Record<string, number> = {};
  try {
    copy.pragma('journal_mode = DELETE');
    // better-sqlite3 enforces foreign keys by default; filtering deletes parents first and then
    // the orphans that foreign_key_check finds, so enforcement is off on this connection.
    copy.pragma('foreign_keys = OFF');
    if (job.from !== undefined || job.to !== undefined || job.markets) {
      progress('filtering');
      if (isV2(copy)) {
        copy.close();
        removed = filterV2(job.tmpPath, job);
        copy = new Database(job.tmpPath);
      } else {
        removed = applyFilters(copy, job);
        // Give the freed pages back so the browser downloads only what is left.
        if (removed > 0) copy.exec('VACUUM');
      }
    }
    progress('checking');
    const check = copy.pragma('integrity_check') as { integrity_check: string }[];
    const verdict = check.map((r) => r.integrity_check).join('; ');
    if (verdict !== 'ok') throw exportError('E_EXPORT_INTEGRITY', `the copy failed integrity_check: ${verdict}`);
    for (const table of countedNames(copy))
      tables[table] = (copy.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  } finally {
    copy.close();
  }
  fsyncPath(job.tmpPath);
  return { bytes: statSync(job.tmpPath).size, tables, removed };
}
