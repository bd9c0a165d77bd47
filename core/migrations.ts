/**
 * A tiny migration runner. Migrations are numbered `.sql` files (NNN_name.sql) in
 * core/migrations; each runs once, in order, inside a transaction, and is recorded in
 * `schema_migrations`; the version is also written to SQLite's `user_version` header field, so a
 * file's version can be read from its first 100 bytes without opening it. A database whose
 * version is newer than the code is refused, so an old build never writes a file it does not
 * understand.
 */
import type { Db } from './db.ts';
import { FbError } from './errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Parse `001_init.sql`-style file names into ordered migrations. */
export function migrationsFromFiles(files: Record<string, string>): Migration[] {
  const list = Object.entries(files).map(([path, sql]) => {
    const file = path.split('/').pop() ?? path;
    const m = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!m) throw new FbError('E_BAD_MIGRATION', `migration file name must look like 001_name.sql: ${file}`);
    return { version: Number(m[1]), name: m[2], sql };
  });
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new FbError(
        'E_BAD_MIGRATION',
        `migrations must be numbered 1..n without holes; found ${m.version} at position ${i + 1}`,
      );
  });
  return list;
}

const userVersion = (db: Db) => Number(db.all<{ user_version: number }>('PRAGMA user_version')[0]?.user_version ?? 0);

/**
 * The schema version recorded in the database (0 for an empty database): the larger of
 * `user_version` and the newest `schema_migrations` row. Files written before `user_version` was
 * set carry 0 there; a newer build may set it before (or without) a table this one knows.
 */
export function schemaVersion(db: Db): number {
  const header = userVersion(db);
  const t = db.all<{ n: number }>(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  );
  if (!t[0]?.n) return header;
  const r = db.all<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Math.max(header, Number(r[0]?.v ?? 0));
}

/** The refusal of a database newer than the code, whether its version came from the header or the table. */
export function tooNewError(have: number, know: number): FbError {
  return new FbError(
    'E_DB_TOO_NEW',
    `database schema version ${have} is newer than this futuresboard (knows ${know}); upgrade futuresboard to open it`,
  );
}

/** Refuse a database with a newer schema than this code knows; returns its version. */
export function checkSchema(db: Db, migrations: readonly Migration[]): number {
  const have = schemaVersion(db);
  const know = migrations.length;
  if (have > know) throw tooNewError(have, know);
  return have;
}

/** Apply every migration the database lacks; returns the versions applied. */
export function migrate(db: Db, migrations: readonly Migration[], now: () => number): number[] {
  const have = checkSchema(db, migrations);
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied: number[] = [];
  for (const m of migrations.slice(have)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now()]);
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m.version);
  }
  // A file migrated before user_version was kept reads 0 there: stamp it.
  if (userVersion(db) < migrations.length) db.exec(`PRAGMA user_version = ${migrations.length}`);
  return applied;
}
