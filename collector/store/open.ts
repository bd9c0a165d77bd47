/** Opens (and migrates) the collector's SQLite file with the pragmas the writer relies on. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../core/migrations.ts';
import type { Db } from '../../core/db.ts';
import { EVENT_TABLES } from '../../core/tables.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { checkRecordingFile, fsReason, WRITABLE } from '../../replay/adapters/recording-file.ts';
import { loadMigrations } from './migrations.ts';
import { FbError } from '../../core/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * One writer per database: `<db>.lock` holds the writer's pid. A second collector, or an
 * import into the file a running collector writes, would interleave sequence numbers; it is
 * refused instead. A lock left by a process that died (kill -9) is taken over.
 */
function lockWriter(path: string): () => void {
  const lock = `${path}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if (fsReason(err) !== 'EEXIST')
      throw new FbError('E_DB_PATH', `cannot create the lock file ${lock} (${fsReason(err)}); ${WRITABLE}`);
    let pid: number;
    try {
      pid = Number(readFileSync(lock, 'utf8'));
    } catch (readErr) {
      throw new FbError(
        'E_DB_PATH',
        `${lock} exists but cannot be read (${fsReason(readErr)}); remove it if no futuresboard process writes ${path}`,
      );
    }
    if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && alive(pid))
      throw new FbError(
        'E_DB_LOCKED',
        `${path} is being written by another futuresboard process (pid ${pid}); stop it or choose another --db`,
      );
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

/**
 * The writer's connection, after the file check (replay/adapters/recording-file.ts) has refused
 * anything but a new database or one of ours that this build can migrate.
 */
export function openStore(path: string, now: () => number = Date.now): Database.Database {
  if (path === ':memory:') return prepare(new Database(path), now);
  // Judged before the folder, the lock or the WAL switch: a refused file is left as it was.
  checkRecordingFile(path, 'write');
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new FbError('E_DB_PATH', `cannot create the folder of ${path} (${fsReason(err)}); ${WRITABLE}`);
  }
  const unlock = lockWriter(path);
  let raw: Database.Database;
  try {
    raw = new Database(path);
  } catch (err) {
    unlock();
    throw new FbError('E_DB_PATH', `cannot open ${path} for writing (${(err as Error).message}); ${WRITABLE}`);
  }
  const close = raw.close.bind(raw);
  raw.close = () => {
    close();
    unlock();
    return raw;
  };
  try {
    return prepare(raw, now);
  } catch (err) {
    // A writer that cannot start leaves no lock behind.
    raw.close();
    throw err;
  }
}

/**
 * WAL lets readers (the HTTP API, exports, continuity) run beside the single writer.
 * synchronous=NORMAL: in WAL mode a committed transaction survives a crash of the process
 * (kill -9, the case that matters for a daemon); only an OS crash or power loss can roll back
 * the last few transactions, never corrupt the file. FULL would fsync every 50 ms batch and
 * cost ingest throughput for protection against power loss only.
 */
function prepare(raw: Database.Database, now: () => number): Database.Database {
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // Keep the WAL from growing without bound between checkpoints under heavy ingest.
  raw.pragma('wal_autocheckpoint = 4000');
  const db = wrapNodeDb(raw);
  refuseV1Events(db);
  migrate(db, loadMigrations(), now);
  return raw;
}

/** The last schema version of the v1 (text) event tables; migration 3 replaced them. */
export const LAST_V1_VERSION = 2;

/**
 * Migration 3 drops the v1 event tables, which is right only while they are empty (a new file).
 * A v1 recording with events is converted by `futuresboard migrate`, never in place.
 */
function refuseV1Events(db: Db): void {
  const version = schemaVersion(db);
  if (version === 0 || version > LAST_V1_VERSION) return;
  const rows = EVENT_TABLES.some((t) => db.all(`SELECT 1 FROM ${t.table} LIMIT 1`).length > 0);
  if (rows)
    throw new FbError(
      'E_V1_RECORDING',
      'this database is a v1 recording (schema version ' +
        `${version}); the collector writes schema v2 only: convert it with \`futuresboard migrate --db <file> --out <dir>\` or choose a new --db`,
    );
}
