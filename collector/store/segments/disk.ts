/**
 * Disk facts the store's health and retention decide on: what a live SQLite database takes
 * (its WAL included, which can outgrow the file between checkpoints), what the open catalog
 * entries take, and the free space of a filesystem.
 */
import { existsSync, statSync, statfsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Catalog } from '../../../core/catalog.ts';

/** Bytes of the SQLite database at `path` and its WAL; 0 when absent. */
export function fileBytes(path: string): number {
  let n = 0;
  for (const p of [path, `${path}-wal`]) if (existsSync(p)) n += statSync(p).size;
  return n;
}

/** Bytes on disk of the catalog's open entries (the hot database), measured now. */
export const openEntriesBytes = (dir: string, catalog: Catalog): number =>
  catalog.segments
    .filter((s) => s.open)
    .reduce((sum, s) => sum + fileBytes(isAbsolute(s.file) ? s.file : join(dir, s.file)), 0);

/** Free bytes for this user on the filesystem holding the folder `dir`; null when it cannot be read. */
export function freeDiskBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
