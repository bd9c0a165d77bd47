/**
 * The one check every command runs on a database path before it reads or writes it (the Node
 * side of core/recording-check.ts): what is at the path (nothing, a directory, a file),
 * the file's 100-byte header read with plain fs calls, then its tables and schema version through
 * a read-only connection. A refused file is left as it was: nothing is written to it and no lock
 * is taken. (A read-only connection to a database whose header says WAL mode makes SQLite create
 * `-wal`/`-shm` beside it, as any reader of such a file does; rollback-journal files get neither.)
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Migration } from '../../core/migrations.ts';
import {
  checkRecordingSchema,
  checkSqliteHeader,
  SQLITE_HEADER_BYTES,
  type RecordingUse,
} from '../../core/recording-check.ts';
import { loadMigrations } from './migration-files.ts';
import { openNodeDb, type NodeDb } from './node-sqlite.ts';
import { FbError, hasErrorCode } from '../../core/errors.ts';

/** The fix for a database path a writer cannot use. */
export const WRITABLE = 'choose a database path in a writable folder';

/** `ENOENT`-style code of a failed fs call, else its message: enough for one line. */
export const fsReason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER_BYTES);
    return head.subarray(0, readSync(fd, head, 0, SQLITE_HEADER_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The checked database, open read-only; null when a writer may create it (no file, or 0 bytes).
 * `name` is how messages call the file (the path as the user wrote it).
 */
function openChecked(path: string, use: RecordingUse, name: string, migrations: readonly Migration[]): NodeDb | null {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new FbError(
        'E_DB_PATH',
        `${name} is a directory, not a database file; ${use === 'read' ? 'give the recording file itself' : 'give a file name for the database'}`,
      );
    if (!st.isFile()) throw new FbError('E_DB_PATH', `${name} is not a regular file; give a database file`);
    size = st.size;
  } catch (err) {
    if (hasErrorCode(err, 'E_DB_PATH')) throw err;
    if (fsReason(err) === 'ENOENT') {
      if (use === 'write') return null;
      throw new FbError('E_DB_PATH', `${name}: no such file`);
    }
    throw new FbError(
      'E_DB_PATH',
      use === 'read'
        ? `${name} cannot be read (${fsReason(err)})`
        : `${name} cannot be written (${fsReason(err)}); ${WRITABLE}`,
    );
  }
  let head: Uint8Array;
  try {
    head = readHead(path);
  } catch (err) {
    throw new FbError('E_DB_PATH', `${name} cannot be read (${fsReason(err)})`);
  }
  if (!checkSqliteHeader({ name, head, size, use, known: migrations.length, walBeside: existsSync(`${path}-wal`) }))
    return null;
  let db: NodeDb;
  try {
    db = openNodeDb(path, { readonly: true });
  } catch (err) {
    throw new FbError('E_NOT_SQLITE', `${name} cannot be opened by SQLite (${(err as Error).message})`);
  }
  try {
    checkRecordingSchema(db, name, migrations, use);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * A recording for a reader command: checked, then open read-only. Code bundled by Vite (the site
 * build) passes the migrations it bundled; everything else reads them from disk.
 */
export function openRecordingFile(
  path: string,
  name = path,
  migrations: readonly Migration[] = loadMigrations(),
): NodeDb {
  return openChecked(path, 'read', name, migrations)!;
}

/**
 * Refuse a path `use` may not have, before anything else touches it. A writer may create a
 * database where there is none yet, or continue one of ours.
 */
export function checkRecordingFile(path: string, use: RecordingUse): void {
  openChecked(path, use, path, loadMigrations())?.close();
}
