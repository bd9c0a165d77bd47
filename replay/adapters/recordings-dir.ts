/**
 * Recordings for the Node readers (replay, backtest, metrics verify, alerts stats, export): a
 * single file, or a recordings folder read through its catalog.json as one stream of parts
 * (replay/player/parts.ts): the closed segments by period, each checked and gunzipped into
 * memory when the stream reaches it, then the hot database, read in place from the first seq no
 * closed segment holds.
 */
import { join } from 'node:path';
import { sortSegments } from '../../core/catalog.ts';
import type { Db } from '../../core/db.ts';
import { FbError } from '../../core/errors.ts';
import { hasTable } from '../../core/metrics/store.ts';
import type { Migration } from '../../core/migrations.ts';
import type { Recording, RecordingPart } from '../player/parts.ts';
import { hasCatalog, readCatalog } from './catalog-file.ts';
import { loadMigrations } from './migration-files.ts';
import { openRecordingFile } from './recording-file.ts';
import { checkSegmentFile, openSegment } from './segment-file.ts';

/** One recording file (v1 or v2) as a recording of one part. */
export function fileRecording(path: string, migrations: readonly Migration[] = loadMigrations()): Recording {
  return { name: path, parts: [{ name: path, open: () => ({ db: openRecordingFile(path, path, migrations) }) }] };
}

/** Rows up to this seq were closed into segments and may be purged (store_meta seq_floor); 0 when none. */
function seqFloor(db: Db): number {
  if (!hasTable(db, 'store_meta')) return 0;
  const [row] = db.all<{ value: number }>("SELECT value FROM store_meta WHERE key = 'seq_floor'");
  return Number(row?.value ?? 0);
}

/**
 * The recordings folder `dir`: its catalog read and every closed segment's presence and size
 * checked now; each part checked in full and opened when the stream reaches it.
 */
export function openRecordingsDir(dir: string, migrations: readonly Migration[] = loadMigrations()): Recording {
  if (!hasCatalog(dir))
    throw new FbError(
      'E_CATALOG',
      `${dir} has no catalog.json, so it is not a recordings folder; give the folder the collector records into (store.dir), or one file with --db`,
    );
  const catalog = readCatalog(dir);
  const closed = sortSegments(catalog.segments.filter((s) => !s.open));
  const hot = catalog.segments.filter((s) => s.open);
  for (const entry of closed) checkSegmentFile(dir, entry);
  const closedThrough = Math.max(0, ...closed.map((s) => s.seq_to ?? 0));
  const parts: RecordingPart[] = [
    ...closed.map((entry) => ({
      name: join(dir, entry.file),
      entry,
      open: () => ({ db: openSegment(dir, entry, migrations) }),
    })),
    ...hot.map((entry) => {
      const name = join(dir, entry.file);
      return {
        name,
        entry,
        open: () => {
          const db = openRecordingFile(name, name, migrations);
          const afterSeq = Math.max(closedThrough, seqFloor(db));
          return { db, afterSeq: afterSeq > 0 ? afterSeq : undefined };
        },
      };
    }),
  ];
  return { name: dir, parts };
}
