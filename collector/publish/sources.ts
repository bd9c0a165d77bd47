/**
 * What publishing reads: the trader's recordings folder (`--recordings`, else config `store.dir`,
 * else `data/recordings` when it holds a catalog, as the demo writes it) and the bundled sample
 * session, which ships with the code rather than with the trader's data.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCatalog, readCatalog } from '../../replay/adapters/catalog-file.ts';
import type { PublishSource } from './plan.ts';

export const DEFAULT_RECORDINGS_DIR = 'data/recordings';
export const SAMPLE_SESSION_DIR = fileURLToPath(new URL('../../fixtures/sample-session/', import.meta.url));

const source = (dir: string): PublishSource => ({ dir, catalog: readCatalog(dir) });

/**
 * The recordings folder to publish from, or null when there is none yet: `explicit` (which the
 * caller has checked holds a catalog), else `storeDir` once the collector has written its
 * catalog, else the default folder when it has one. Relative paths are from `cwd`, as the
 * collector resolves them.
 */
export function recordingsSource(
  storeDir: string | null,
  explicit: string | undefined,
  cwd: string,
): PublishSource | null {
  const dir = resolve(cwd, explicit ?? storeDir ?? DEFAULT_RECORDINGS_DIR);
  return hasCatalog(dir) ? source(dir) : null;
}

/** The bundled sample session folder, or null in a checkout without it. */
export const sampleSource = (dir = SAMPLE_SESSION_DIR): PublishSource | null => (hasCatalog(dir) ? source(dir) : null);
