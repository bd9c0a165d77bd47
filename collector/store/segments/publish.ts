/**
 * A finished plain segment file becomes a closed, catalogued segment: integrity-checked,
 * gzip-compressed beside its final name, flushed to disk, hashed, and renamed into place, so
 * `<dir>/<name>.sqlite.gz` is either absent or complete. The collector's closer runs `packSegment`
 * in its worker and catalogues on the main thread; `futuresboard migrate` uses `publishSegmentFile`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import type { Catalog, SegmentEntry } from '../../../core/catalog.ts';
import { FbError } from '../../../core/errors.ts';
import { updateCatalog } from '../../../replay/adapters/catalog-file.ts';
import type { SegmentSummary } from '../extract.ts';
import { SEGMENT_SUFFIX } from './period.ts';

export interface Period {
  from: number;
  to: number;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** 'ok', or what SQLite finds wrong (a file it cannot even open included). */
function integrity(path: string): string {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Compresses the plain segment `tmpSqlitePath` (removed afterwards) to `<dir>/<name>.sqlite.gz`
 * and returns its closed catalog entry. Nothing is catalogued here.
 */
export async function packSegment(
  dir: string,
  tmpSqlitePath: string,
  name: string,
  summary: SegmentSummary,
  period: Period,
): Promise<SegmentEntry> {
  const check = integrity(tmpSqlitePath);
  if (check !== 'ok')
    throw new FbError(
      'E_SEGMENT_CLOSE',
      `segment ${name} failed PRAGMA integrity_check (${check}); it was not published and its source rows are untouched`,
    );
  const file = `${name}${SEGMENT_SUFFIX}`;
  const gzTmp = join(dir, `${file}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      createReadStream(tmpSqlitePath),
      // Level 9: about 1.5 % smaller than 6 on segments (bench/storage.bench.ts), and it runs in the closer's worker.
      createGzip({ level: 9 }),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(gzTmp),
    );
    // On disk before the rename makes it visible: a crash never leaves a named, truncated segment.
    await fsyncPath(gzTmp);
    await rename(gzTmp, join(dir, file));
    await fsyncPath(dir);
  } catch (err) {
    rmSync(gzTmp, { force: true });
    if (err instanceof FbError) throw err;
    throw new FbError(
      'E_SEGMENT_CLOSE',
      `cannot write segment ${join(dir, file)} (${(err as Error).message}); free disk space in ${dir}`,
    );
  }
  rmSync(tmpSqlitePath, { force: true });
  rmSync(`${tmpSqlitePath}-journal`, { force: true });
  return {
    file,
    from: period.from,
    to: period.to,
    events: summary.events,
    bytes,
    sha256: hash.digest('hex'),
    markets: [...summary.markets].sort(),
    open: false,
    seq_from: summary.seqFrom,
    seq_to: summary.seqTo,
    kinds: summary.kinds,
  };
}

/** The catalog with closed `entry` listed, replacing an earlier entry of the same file or seq range (a redone close). */
export function withClosedSegment(c: Catalog, entry: SegmentEntry): Catalog {
  const same = (s: SegmentEntry) =>
    !s.open && (s.file === entry.file || (s.seq_from === entry.seq_from && s.seq_to === entry.seq_to));
  return { ...c, segments: [...c.segments.filter((s) => !same(s)), entry] };
}

/** packSegment, then the entry listed in `<dir>/catalog.json`. */
export async function publishSegmentFile(
  dir: string,
  tmpSqlitePath: string,
  name: string,
  summary: SegmentSummary,
  period: Period,
): Promise<SegmentEntry> {
  const entry = await packSegment(dir, tmpSqlitePath, name, summary, period);
  updateCatalog(dir, (c) => withClosedSegment(c, entry));
  return entry;
}
