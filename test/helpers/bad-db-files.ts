/**
 * The files a user may point --db at by mistake, each a real file on disk: not SQLite at all,
 * empty, a real recording cut off halfway, a directory, a database from a newer futuresboard,
 * and another program's SQLite database. And a fingerprint of a path and what lies beside it,
 * to assert that a command which refused a file left it exactly as it was.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURE_DB } from '../replay/make-fixture-db.ts';

export const BAD_FILES = ['garbage', 'empty', 'truncated', 'directory', 'newer', 'foreign'] as const;
export type BadFile = (typeof BAD_FILES)[number];

/** Creates each bad file in `dir` (as `<name>.db`); returns their paths. */
export function makeBadFiles(dir: string): Record<BadFile, string> {
  const path = (name: BadFile) => join(dir, `${name}.db`);
  writeFileSync(path('garbage'), 'not a database');
  writeFileSync(path('empty'), '');
  const recording = readFileSync(FIXTURE_DB);
  writeFileSync(path('truncated'), recording.subarray(0, Math.floor(recording.length / 2)));
  mkdirSync(path('directory'));
  // What a newer futuresboard writes: its version in the header, tables this build may not know.
  const newer = new Database(path('newer'));
  newer.pragma('user_version = 99');
  newer.exec('CREATE TABLE trades (x)');
  newer.close();
  const foreign = new Database(path('foreign'));
  foreign.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('a')");
  foreign.close();
  return Object.fromEntries(BAD_FILES.map((name) => [name, path(name)])) as Record<BadFile, string>;
}

/**
 * The bytes of the file (or of every file under a directory) and the names of its siblings
 * that share its name (`-wal`, `-shm`, `.lock`, `-journal`): equal before and after means untouched.
 */
export function fingerprint(path: string): { hash: string; companions: string[] } {
  const hash = createHash('sha256');
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else hash.update(p).update(readFileSync(p));
  };
  walk(path);
  const companions = readdirSync(dirname(path)).filter((f) => f.startsWith(basename(path)) && f !== basename(path));
  return { hash: hash.digest('hex'), companions };
}
