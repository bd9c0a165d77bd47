/** Opens (and migrates) the collector's SQLite file with the pragmas the writer relies on. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../replay/core/migrations.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { loadMigrations } from './migrations.ts';

export class StoreLockedError extends Error {
  readonly code = 'E_DB_LOCKED';
}

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
  } catch {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && alive(pid))
      throw new StoreLockedError(`${path} is being written by another futuresboard process (pid ${pid}); stop it or choose another --db`);
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

/**
 * WAL lets readers (the HTTP API, exports, continuity) run beside the single writer.
 * synchronous=NORMAL: in WAL mode a committed transaction survives a crash of the process
 * (kill -9, the case that matters for a daemon); only an OS crash or power loss can roll back
 * the last few transactions, never corrupt the file. FULL would fsync every 50 ms batch and
 * cost ingest throughput for protection against power loss only.
 */
export function openStore(path: string, now: () => number = Date.now): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const unlock = path === ':memory:' ? () => {} : lockWriter(path);
  const raw = new Database(path);
  const close = raw.close.bind(raw);
  raw.close = () => {
    close();
    unlock();
    return raw;
  };
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // Keep the WAL from growing without bound between checkpoints under heavy ingest.
  raw.pragma('wal_autocheckpoint = 4000');
  migrate(wrapNodeDb(raw), loadMigrations(), now);
  return raw;
}
