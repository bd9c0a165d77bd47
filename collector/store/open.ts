/** Opens (and migrates) the collector's SQLite file with the pragmas the writer relies on. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../replay/core/migrations.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { loadMigrations } from './migrations.ts';

/**
 * WAL lets readers (the HTTP API, exports, continuity) run beside the single writer.
 * synchronous=NORMAL: in WAL mode a committed transaction survives a crash of the process
 * (kill -9, the case that matters for a daemon); only an OS crash or power loss can roll back
 * the last few transactions, never corrupt the file. FULL would fsync every 50 ms batch and
 * cost ingest throughput for protection against power loss only.
 */
export function openStore(path: string, now: () => number = Date.now): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // Keep the WAL from growing without bound between checkpoints under heavy ingest.
  raw.pragma('wal_autocheckpoint = 4000');
  migrate(wrapNodeDb(raw), loadMigrations(), now);
  return raw;
}
