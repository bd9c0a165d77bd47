/**
 * Reading and writing `<dir>/catalog.json` (core/catalog.ts). Writes are atomic: the new catalog
 * is written to a temporary file, flushed to disk and renamed over the old one, so a kill -9 at
 * any moment leaves either the old catalog or the new one, never a torn file.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { FbError } from '../../core/errors.ts';
import { CATALOG_FILE, emptyCatalog, parseCatalog, sortSegments, type Catalog } from '../../core/catalog.ts';

export const catalogPath = (dir: string): string => join(dir, CATALOG_FILE);

/** The catalog of `dir`; an empty one (segment length `segment`) when the folder has none yet. */
export function readCatalog(dir: string, segment = '1h'): Catalog {
  const path = catalogPath(dir);
  if (!existsSync(path)) return emptyCatalog(segment);
  return parseCatalog(readFileSync(path, 'utf8'), path);
}

/** Whether `dir` holds a catalog (a recordings folder rather than a loose file). */
export const hasCatalog = (dir: string): boolean => existsSync(catalogPath(dir));

export function writeCatalog(dir: string, catalog: Catalog): void {
  const path = catalogPath(dir);
  const tmp = `${path}.tmp`;
  const body = `${JSON.stringify({ ...catalog, segments: sortSegments(catalog.segments) }, null, 1)}\n`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The rename itself is durable only once the folder's entry is on disk.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

const LOCK_WAIT_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sleeps synchronously: the catalog lock is held for milliseconds, and callers are synchronous. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Read-modify-write of the catalog under `catalog.json.lock`: the collector (closing segments,
 * retention) and `futuresboard recordings pin|prune` may change it at the same moment. A lock
 * left by a dead process (kill -9) is taken over. Returns the catalog as written.
 */
export function updateCatalog(dir: string, change: (c: Catalog) => Catalog, segment = '1h'): Catalog {
  const lock = `${catalogPath(dir)}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8') || 0);
      if (!(pid > 0 && alive(pid))) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new FbError(
          'E_CATALOG',
          `${lock} is held by process ${pid}; wait for it or remove the lock if it is gone`,
        );
      pause(20);
    }
  }
  try {
    const next = change(readCatalog(dir, segment));
    writeCatalog(dir, next);
    return next;
  } finally {
    rmSync(lock, { force: true });
  }
}
