/**
 * Whether a file is a futuresboard database this build may read or write, judged before any
 * other code touches it: first its 100-byte SQLite header (no SQLite library needed, so a
 * garbage, truncated or newer file is refused without being opened), then its tables and
 * schema version through the Db port. Shared by the CLI's file check
 * (replay/adapters/recording-file.ts) and the browser's loader (src/islands/sqlite), so both
 * refuse the same files with the same words. Each refusal is one line naming the file, what is
 * wrong and, when there is one, the fix.
 */
import type { Db } from './db.ts';
import { checkSchema, tooNewError, type Migration } from './migrations.ts';
import { EVENT_TABLES } from './tables.ts';
import { FbError, hasErrorCode } from './errors.ts';

/**
 * What the file is opened for. Reading needs a whole recording. Writing also takes an empty
 * database (a new file, or 0 bytes), whose schema the writer then creates; it refuses anything
 * else that is not ours, so a writer never adds its tables to another program's file.
 */
export type RecordingUse = 'read' | 'write';

const FIX: Record<RecordingUse, string> = {
  read: 'open a recording written by futuresboard (collect, import or export)',
  write: 'futuresboard writes only its own databases: choose a new file',
};

/** The SQLite file header: https://www.sqlite.org/fileformat.html#the_database_header */
export const SQLITE_HEADER_BYTES = 100;
const MAGIC = 'SQLite format 3\0';

export interface HeaderCheck {
  /** The file's name as the user gave it, for the message. */
  name: string;
  /** The first SQLITE_HEADER_BYTES bytes of the file (fewer when the file is shorter). */
  head: Uint8Array;
  /** The file's size in bytes. */
  size: number;
  use: RecordingUse;
  /** Schema versions this build knows (its number of migrations). */
  known: number;
  /**
   * A `-wal` file lies beside it: a live database whose header may run ahead of the file's
   * length mid-checkpoint, so truncation is not judged from the header.
   */
  walBeside?: boolean;
}

/**
 * Judge the header. Returns false for an empty file, which only a writer accepts (as a new
 * database), true for a SQLite file whose schema is then judged by checkRecordingSchema.
 */
export function checkSqliteHeader(c: HeaderCheck): boolean {
  const notSqlite = (why: string) =>
    new FbError('E_NOT_SQLITE', `${c.name} is not a readable SQLite database (${why}); ${FIX[c.use]}`);
  if (c.size === 0) {
    if (c.use === 'write') return false;
    throw new FbError('E_NOT_RECORDING', `${c.name} is empty (0 bytes), not a futuresboard recording; ${FIX.read}`);
  }
  const h = c.head;
  if (String.fromCharCode(...h.subarray(0, MAGIC.length)) !== MAGIC)
    throw notSqlite('it does not start with the SQLite header');
  const truncated = (what: string) =>
    new FbError(
      'E_NOT_SQLITE',
      `${c.name} is not a readable SQLite database: it is truncated (${what}); copy the whole file again`,
    );
  if (h.length < SQLITE_HEADER_BYTES) throw truncated(`${c.size} bytes, shorter than the SQLite header`);
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw notSqlite(`its header is damaged: page size ${raw}`);
  // The page count is valid only when the change counter matches "version-valid-for" (SQLite ≥ 3.7.0).
  const pages = view.getUint32(28);
  const pagesValid = pages > 0 && view.getUint32(24) === view.getUint32(92);
  if (pagesValid && !c.walBeside && c.size < pages * pageSize)
    throw truncated(`its header describes ${pages * pageSize} bytes, the file has ${c.size}`);
  const userVersion = view.getInt32(60);
  if (userVersion > c.known)
    throw new FbError('E_DB_TOO_NEW', `${c.name}: ${tooNewError(userVersion, c.known).message}`);
  return true;
}

/** At most three names, then how many more: the message stays one line. */
function someOf(names: readonly string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

/**
 * Judge the tables and schema version of an open database; returns its schema version. Only
 * reads: safe on a file that is then refused. The event tables are tables in a v1 file and
 * views over the compact tables in a v2 file: either counts.
 */
export function checkRecordingSchema(
  db: Db,
  name: string,
  migrations: readonly Migration[],
  use: RecordingUse,
): number {
  let tables: Set<string>;
  try {
    tables = new Set(
      db
        .all<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .map((r) => r.name),
    );
  } catch (err) {
    throw new FbError(
      'E_NOT_SQLITE',
      `${name} is not a readable SQLite database (${(err as Error).message}); ${FIX[use]}`,
    );
  }
  if (use === 'write' && tables.size === 0) return checkVersion(db, name, migrations, use);
  const missing = ['schema_migrations', ...EVENT_TABLES.map((t) => t.table)].filter((t) => !tables.has(t));
  if (missing.length) {
    const what = use === 'read' ? `missing ${someOf(missing)}` : `it has other tables: ${someOf([...tables].sort())}`;
    throw new FbError('E_NOT_RECORDING', `${name} is SQLite but not a futuresboard recording (${what}); ${FIX[use]}`);
  }
  return checkVersion(db, name, migrations, use);
}

function checkVersion(db: Db, name: string, migrations: readonly Migration[], use: RecordingUse): number {
  try {
    return checkSchema(db, migrations);
  } catch (err) {
    if (hasErrorCode(err, 'E_DB_TOO_NEW', 'E_BAD_MIGRATION'))
      throw new FbError('E_DB_TOO_NEW', `${name}: ${err.message}`);
    // A schema_migrations table with other columns belongs to another program.
    throw new FbError(
      'E_NOT_RECORDING',
      `${name} is SQLite but not a futuresboard recording (${(err as Error).message}); ${FIX[use]}`,
    );
  }
}
