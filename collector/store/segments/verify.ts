/**
 * Checks a recordings folder against its catalog, file by file: each closed segment is present,
 * has the catalogued size and sha256, gunzips, passes SQLite's integrity check and carries the
 * seq range, period and event count the catalog says; open entries exist; and no segment file
 * lies in the folder unlisted (space retention would never reclaim). `futuresboard recordings
 * verify` prints the result.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import type { Catalog, SegmentEntry } from '../../../core/catalog.ts';

export interface SegmentProblem {
  /** The catalogued or found file, relative to the folder. */
  file: string;
  problem: string;
}

export interface VerifyResult {
  /** Closed segments checked. */
  checked: number;
  problems: SegmentProblem[];
}

/** Segment files on disk: closed ones, and plain ones (a close in progress writes `.tmp` names, not these). */
const SEGMENT_FILE = /\.sqlite(\.gz)?$/;

/** The store_meta keys a closed segment carries, and the catalog field each must equal. */
const META_FIELDS = ['from', 'to', 'events', 'seq_from', 'seq_to'] as const;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** What is wrong inside the uncompressed segment `path` compared with its entry, or null. */
function contentProblem(path: string, entry: SegmentEntry): string | null {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let integrity: unknown;
    try {
      integrity = db.pragma('integrity_check', { simple: true });
    } catch (err) {
      return `not a readable SQLite file (${(err as Error).message})`;
    }
    if (integrity !== 'ok') return `SQLite integrity check failed: ${String(integrity)}`;
    let rows: { key: string; value: unknown }[];
    try {
      rows = db.prepare('SELECT key, value FROM store_meta').all() as typeof rows;
    } catch (err) {
      return `not a futuresboard segment (${(err as Error).message})`;
    }
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    const stored = (k: (typeof META_FIELDS)[number]) => {
      const v = meta.get(k);
      return v === null || v === undefined ? v : Number(v);
    };
    const differ = META_FIELDS.filter((k) => stored(k) !== entry[k]).map(
      (k) => `${k} ${String(stored(k) ?? 'missing')} in the file, ${entry[k]} in the catalog`,
    );
    return differ.length ? `store_meta differs: ${differ.join('; ')}` : null;
  } finally {
    db.close();
  }
}

async function closedProblem(dir: string, entry: SegmentEntry, scratch: string): Promise<string | null> {
  const path = join(dir, entry.file);
  if (!existsSync(path)) return 'missing';
  const bytes = statSync(path).size;
  if (bytes !== entry.bytes) return `size ${bytes} bytes, the catalog says ${entry.bytes}`;
  const sha = await sha256Of(path);
  if (sha !== entry.sha256) return `sha256 ${sha}, the catalog says ${entry.sha256}`;
  const plain = join(scratch, 'segment.sqlite');
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(plain));
    return contentProblem(plain, entry);
  } catch (err) {
    return `does not gunzip (${(err as Error).message})`;
  } finally {
    rmSync(plain, { force: true });
  }
}

/** Every problem with the folder `dir` described by `catalog`. */
export async function verifyRecordings(dir: string, catalog: Catalog): Promise<VerifyResult> {
  const problems: SegmentProblem[] = [];
  // Gunzipped copies go to the temp folder, never into `dir`, where the collector owns every file.
  const scratch = mkdtempSync(join(tmpdir(), 'fb-verify-'));
  let checked = 0;
  try {
    for (const entry of catalog.segments) {
      if (entry.open) {
        if (!existsSync(join(dir, entry.file))) problems.push({ file: entry.file, problem: 'open entry missing' });
        continue;
      }
      checked++;
      const problem = await closedProblem(dir, entry, scratch);
      if (problem) problems.push({ file: entry.file, problem });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const listed = new Set(catalog.segments.map((s) => s.file));
  for (const name of readdirSync(dir).sort())
    if (SEGMENT_FILE.test(name) && !listed.has(name))
      problems.push({ file: name, problem: 'not in the catalog (an orphan: retention never deletes it)' });
  return { checked, problems };
}
