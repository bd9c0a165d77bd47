/**
 * What a start finds after a crash (kill -9 at any moment of a close) and how it is made whole:
 * half-written segment files are removed, a range whose segment was catalogued intact is only
 * finished, every other queued range is closed again, and rows no period claims get one.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Catalog, SegmentEntry } from '../../../core/catalog.ts';
import { EVENT_TABLES } from '../../../core/tables.ts';
import type { CloseRange } from './hot-state.ts';

/** A segment file as the closer names it; `.tmp` ones are unfinished (close-worker.ts, publish.ts). */
const SEGMENT_FILE = /^seg-[0-9T.]+Z\.sqlite\.gz$/;
const UNFINISHED = /^seg-[0-9T.]+Z\.sqlite(\.gz)?\.tmp(-journal)?$/;

/**
 * Removes the closer's unfinished files, and segment files the catalog does not list (a close
 * killed before its catalog update, which is redone; or retention killed between its catalog update
 * and the unlink). Returns the names removed.
 */
export function removeStrays(dir: string, catalog: Catalog): string[] {
  const listed = new Set(catalog.segments.map((s) => s.file));
  const strays = readdirSync(dir).filter((f) => UNFINISHED.test(f) || (SEGMENT_FILE.test(f) && !listed.has(f)));
  for (const f of strays) rmSync(join(dir, f), { force: true });
  return strays;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The catalog's closed entry for `range` when its file is there with the catalogued sha256: the close only needs finishing. */
export async function catalogued(dir: string, catalog: Catalog, range: CloseRange): Promise<SegmentEntry | null> {
  const entry = catalog.segments.find((s) => !s.open && s.seq_from === range.seqFrom && s.seq_to === range.seqTo);
  if (!entry) return null;
  const path = join(dir, entry.file);
  return existsSync(path) && (await sha256Of(path)) === entry.sha256 ? entry : null;
}

/** Receipt-time span of the rows above `afterSeq`, or null when there are none. */
export function unclosedSpan(db: Database.Database, afterSeq: number): { from: number; to: number } | null {
  const union = EVENT_TABLES.map((t) => `SELECT local_ts FROM ${t.table} WHERE seq > ?`).join(' UNION ALL ');
  const row = db
    .prepare(`SELECT min(local_ts) AS lo, max(local_ts) AS hi FROM (${union})`)
    .get(...EVENT_TABLES.map(() => afterSeq)) as { lo: number | null; hi: number | null };
  return row.lo === null || row.hi === null ? null : { from: row.lo, to: row.hi };
}
