/**
 * The one recording check (core/recording-check.ts) gives the same verdict, in the same
 * words, whether the file is opened by the CLI (better-sqlite3, replay/adapters/recording-file.ts)
 * or by the browser's loader (src/islands/sqlite/open-recording.ts: sql.js over the file's bytes). And migrations keep the schema
 * version in SQLite's user_version header field, where the check reads it without SQLite.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../replay/adapters/migration-files.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { checkRecordingFile, openRecordingFile } from '../../replay/adapters/recording-file.ts';
import { migrate, schemaVersion } from '../../core/migrations.ts';
import { FbError } from '../../core/errors.ts';
import { checkSqliteHeader, SQLITE_HEADER_BYTES } from '../../core/recording-check.ts';
import { openRecording } from '../../src/islands/sqlite/open-recording.ts';
import { BAD_FILES, makeBadFiles } from '../helpers/bad-db-files.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FIXTURE_DB, loadSqlJs } from './support.ts';

const dir = tempDir('fb-recording-check-');
const files = makeBadFiles(dir);
const MIGRATIONS = loadMigrations();

/** The verdict on a file as the browser's loader reaches it: its bytes, through sql.js. */
async function browserVerdict(path: string): Promise<string> {
  try {
    const { db, summary } = openRecording(await loadSqlJs(), new Uint8Array(readFileSync(path)), path);
    db.close();
    return `ok ${summary.schemaVersion}`;
  } catch (err) {
    if (err instanceof FbError) return `${err.code} ${err.message}`;
    throw err;
  }
}

/** The verdict as the CLI reaches it: the path, through better-sqlite3. */
function cliVerdict(path: string): string {
  try {
    const db = openRecordingFile(path);
    db.close();
    return `ok ${MIGRATIONS.length}`;
  } catch (err) {
    if (err instanceof FbError) return `${err.code} ${err.message}`;
    throw err;
  }
}

describe('one verdict for the CLI and the browser', () => {
  // A directory has no bytes for a browser to hold; the CLI's answer to it is in test/faults/bad-db-files.test.ts.
  it.each(BAD_FILES.filter((b) => b !== 'directory'))('on the %s file', async (bad) => {
    const verdict = cliVerdict(files[bad]);
    expect(verdict).toMatch(/^E_(NOT_SQLITE|NOT_RECORDING|DB_TOO_NEW) /);
    expect(await browserVerdict(files[bad])).toBe(verdict);
  });

  it('on a recording: accepted at the current schema version', async () => {
    expect(cliVerdict(FIXTURE_DB)).toBe(`ok ${MIGRATIONS.length}`);
    expect(await browserVerdict(FIXTURE_DB)).toBe(`ok ${MIGRATIONS.length}`);
  });

  it('on a recording whose migrations table runs ahead of this build (the header says 0)', async () => {
    const ahead = join(dir, 'ahead.db');
    copyFileSync(FIXTURE_DB, ahead);
    const db = new Database(ahead);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    const verdict = cliVerdict(ahead);
    expect(verdict).toBe(
      `E_DB_TOO_NEW ${ahead}: database schema version 99 is newer than this futuresboard (knows ${MIGRATIONS.length}); upgrade futuresboard to open it`,
    );
    expect(await browserVerdict(ahead)).toBe(verdict);
  });
});

describe('the header check', () => {
  const header = (pages: number) => {
    const head = new Uint8Array(SQLITE_HEADER_BYTES);
    head.set(new TextEncoder().encode('SQLite format 3\0'));
    const view = new DataView(head.buffer);
    view.setUint16(16, 4096);
    view.setUint32(28, pages);
    return head;
  };

  it('does not call a file with a -wal beside it truncated: a live database is checkpointed page by page', () => {
    const check = { name: 'live.db', head: header(10), size: 4096 * 4, use: 'read' as const, known: MIGRATIONS.length };
    expect(() => checkSqliteHeader(check)).toThrow(
      /it is truncated \(its header describes 40960 bytes, the file has 16384\)/,
    );
    expect(checkSqliteHeader({ ...check, walBeside: true })).toBe(true);
  });

  it('lets a writer take an empty file (a new database) but never a reader', () => {
    const check = { name: 'e.db', head: new Uint8Array(0), size: 0, known: MIGRATIONS.length };
    expect(checkSqliteHeader({ ...check, use: 'write' })).toBe(false);
    expect(() => checkSqliteHeader({ ...check, use: 'read' })).toThrow(/e\.db is empty \(0 bytes\)/);
  });
});

describe('the write check', () => {
  it('takes a missing path, a 0-byte file and a recording of ours; refuses the rest', () => {
    expect(() => checkRecordingFile(join(dir, 'nothing-yet.db'), 'write')).not.toThrow();
    expect(() => checkRecordingFile(files.empty, 'write')).not.toThrow();
    expect(() => checkRecordingFile(FIXTURE_DB, 'write')).not.toThrow();
    expect(() => checkRecordingFile(files.foreign, 'write')).toThrow(
      `${files.foreign} is SQLite but not a futuresboard recording (it has other tables: users); futuresboard writes only its own databases: choose a new file`,
    );
    expect(() => checkRecordingFile(files.newer, 'write')).toThrow(/schema version 99 is newer/);
  });
});

describe('migrations and user_version', () => {
  it('stamp each migration in the header, and stamp a file migrated before user_version was kept', () => {
    const path = join(dir, 'stamped.db');
    const db = openNodeDb(path);
    migrate(db, MIGRATIONS.slice(0, 1), () => 1);
    expect(db.raw.pragma('user_version', { simple: true })).toBe(1);
    migrate(db, MIGRATIONS, () => 2);
    expect(db.raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // As an older build left it: every migration applied, user_version never set.
    db.exec('PRAGMA user_version = 0');
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(migrate(db, MIGRATIONS, () => 3)).toEqual([]);
    expect(db.raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    // The version is at bytes 60..63 of the file: readable without SQLite.
    expect(readFileSync(path).readInt32BE(60)).toBe(MIGRATIONS.length);
  });

  it('count a user_version above the migrations table as the schema version', () => {
    const path = join(dir, 'header-ahead.db');
    writeFileSync(path, '');
    const db = openNodeDb(path);
    migrate(db, MIGRATIONS, () => 1);
    db.exec('PRAGMA user_version = 42');
    expect(schemaVersion(db)).toBe(42);
    expect(() => migrate(db, MIGRATIONS, () => 2)).toThrow(/schema version 42 is newer than this futuresboard/);
    db.close();
  });
});
