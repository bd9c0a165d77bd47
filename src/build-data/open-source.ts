/**
 * Which SQLite file the site is built from: the hot database of the demo's recordings folder
 * (`data/recordings/hot.db`, whose catalog also describes the closed segments), else
 * `data/futures.db` when the collector has recorded one, else the sample session shipped with
 * the site (`fixtures/sample-session`, a recordings folder: its newest closed segment, opened in
 * memory, stands where a hot database would). Opened read-only; a missing, empty,
 * corrupt or foreign file gives "no data" with a note, never a failed build.
 * FUTURESBOARD_SITE_DB names another file or recordings folder (tests, benches, or a snapshot
 * copied from elsewhere).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sortSegments } from '../../core/catalog.ts';
import { hasCatalog, readCatalog } from '../../replay/adapters/catalog-file.ts';
import type { NodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openRecordingFile } from '../../replay/adapters/recording-file.ts';
import { openSegment } from '../../replay/adapters/segment-file.ts';
import { MIGRATIONS } from '../lib/migrations.ts';
import type { SiteSnapshot } from '../lib/snapshot-types.ts';

export const RECORDINGS_HOT_DB = 'data/recordings/hot.db';
export const LIVE_DB = 'data/futures.db';
/** The bundled sample session (fixtures/README.md says how it is generated). */
export const SAMPLE_SESSION = 'fixtures/sample-session';

export type OpenedSource =
  | { db: NodeDb; source: SiteSnapshot['source'] }
  | { db: null; source: SiteSnapshot['source'] };

function candidates(): { path: string; kind: 'database' | 'sample' }[] {
  const override = process.env.FUTURESBOARD_SITE_DB;
  if (override) return [{ path: override, kind: 'database' }];
  return [
    { path: RECORDINGS_HOT_DB, kind: 'database' },
    { path: LIVE_DB, kind: 'database' },
    { path: SAMPLE_SESSION, kind: 'sample' },
  ];
}

/** What the catalog beside the database says of the closed segments (null without one, or when unreadable). */
function recordingsOf(dir: string): SiteSnapshot['source']['recordings'] {
  if (!hasCatalog(dir)) return null;
  try {
    const closed = readCatalog(dir).segments.filter((s) => !s.open);
    return {
      segments: closed.length,
      events: closed.reduce((n, s) => n + s.events, 0),
      from: closed.length ? Math.min(...closed.map((s) => s.from)) : null,
    };
  } catch {
    return null;
  }
}

/** The newest closed segment of the recordings folder `dir`, in memory. */
function newestSegment(dir: string): NodeDb {
  const newest = sortSegments(readCatalog(dir).segments.filter((s) => !s.open)).at(-1);
  if (!newest) throw new Error(`${dir}: its catalog lists no closed segment`);
  return openSegment(dir, newest, MIGRATIONS);
}

export function openSource(): OpenedSource {
  const notes: string[] = [];
  for (const c of candidates()) {
    const abs = resolve(c.path);
    const folder = hasCatalog(abs);
    if (!folder && (!existsSync(abs) || statSync(abs).size === 0)) {
      notes.push(`${c.path}: not found or empty`);
      continue;
    }
    try {
      const db = folder ? newestSegment(abs) : openRecordingFile(abs, c.path, MIGRATIONS);
      const recordings = recordingsOf(folder ? abs : dirname(abs));
      return { db, source: { kind: c.kind, path: c.path, note: null, recordings } };
    } catch (err) {
      notes.push((err as Error).message);
    }
  }
  return { db: null, source: { kind: 'none', path: null, note: notes.join('; '), recordings: null } };
}
