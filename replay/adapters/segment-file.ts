/**
 * A closed segment of a recordings folder, read: its bytes checked against the catalog's sha256
 * first (a changed or damaged segment is refused, never half-read), gunzipped in memory, then
 * given the header and schema checks every recording gets (core/recording-check.ts) and opened
 * by SQLite from that buffer. Nothing is written to disk.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { SegmentEntry } from '../../core/catalog.ts';
import { FbError } from '../../core/errors.ts';
import type { Migration } from '../../core/migrations.ts';
import { checkRecordingSchema, checkSqliteHeader, SQLITE_HEADER_BYTES } from '../../core/recording-check.ts';
import { loadMigrations } from './migration-files.ts';
import { wrapNodeDb, type NodeDb } from './node-sqlite.ts';
import { fsReason } from './recording-file.ts';

const VERIFY = (dir: string) => `run \`futuresboard recordings verify --recordings ${dir}\``;

const unreadable = (dir: string, path: string, err: unknown) =>
  new FbError(
    'E_CATALOG',
    `${path} is listed in catalog.json but ${fsReason(err) === 'ENOENT' ? 'is missing' : `cannot be read (${fsReason(err)})`}; ${VERIFY(dir)}`,
  );

/**
 * The cheap part of the check, for every segment before a reader starts (so a missing or cut
 * segment stops it before it prints anything): the file is there, with the catalogued size.
 */
export function checkSegmentFile(dir: string, entry: SegmentEntry): void {
  const path = join(dir, entry.file);
  if (typeof entry.sha256 !== 'string')
    throw new FbError(
      'E_CATALOG',
      `${join(dir, 'catalog.json')} lists closed segment ${entry.file} without a sha256; ${VERIFY(dir)}`,
    );
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw unreadable(dir, path, err);
  }
  if (size !== entry.bytes)
    throw new FbError(
      'E_CATALOG',
      `${path} has ${size} bytes, catalog.json says ${entry.bytes} (changed or cut since it was closed); ${VERIFY(dir)}`,
    );
}

/** The SQLite bytes of closed segment `entry` of folder `dir`, checked against the catalog. */
export function segmentBytes(dir: string, entry: SegmentEntry): Buffer {
  checkSegmentFile(dir, entry);
  const path = join(dir, entry.file);
  let gz: Buffer;
  try {
    gz = readFileSync(path);
  } catch (err) {
    throw unreadable(dir, path, err);
  }
  if (createHash('sha256').update(gz).digest('hex') !== entry.sha256)
    throw new FbError(
      'E_CATALOG',
      `${path} differs from its sha256 in catalog.json (changed or damaged since it was closed); ${VERIFY(dir)}`,
    );
  try {
    return gunzipSync(gz);
  } catch (err) {
    throw new FbError('E_CATALOG', `${path} is not gzip data (${(err as Error).message}); ${VERIFY(dir)}`);
  }
}

/** Closed segment `entry` of `dir`, checked, open read-only in memory. */
export function openSegment(
  dir: string,
  entry: SegmentEntry,
  migrations: readonly Migration[] = loadMigrations(),
): NodeDb {
  const name = join(dir, entry.file);
  const bytes = segmentBytes(dir, entry);
  checkSqliteHeader({
    name,
    head: bytes.subarray(0, SQLITE_HEADER_BYTES),
    size: bytes.length,
    use: 'read',
    known: migrations.length,
  });
  let db: NodeDb;
  try {
    db = wrapNodeDb(new Database(bytes, { readonly: true }));
  } catch (err) {
    throw new FbError('E_NOT_SQLITE', `${name} cannot be opened by SQLite (${(err as Error).message})`);
  }
  try {
    checkRecordingSchema(db, name, migrations, 'read');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
