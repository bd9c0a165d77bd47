/**
 * Which SQLite file the site is built from: `data/futures.db` when the collector has recorded
 * one, else the sample recording shipped with the site. Opened read-only; a missing, empty,
 * corrupt or foreign file gives "no data" with a note, never a failed build.
 * FUTURESBOARD_SITE_DB names another file (tests, or a snapshot copied from elsewhere).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openRecordingFile } from '../../replay/adapters/recording-file.ts';
import { MIGRATIONS } from '../lib/migrations.ts';
import type { SiteSnapshot } from '../lib/snapshot-types.ts';

export const LIVE_DB = 'data/futures.db';
export const SAMPLE_DB = 'public/recordings/sample.sqlite';

export type OpenedSource =
  | { db: NodeDb; source: SiteSnapshot['source'] }
  | { db: null; source: SiteSnapshot['source'] };

function candidates(): { path: string; kind: 'database' | 'sample' }[] {
  const override = process.env.FUTURESBOARD_SITE_DB;
  if (override) return [{ path: override, kind: 'database' }];
  return [
    { path: LIVE_DB, kind: 'database' },
    { path: SAMPLE_DB, kind: 'sample' },
  ];
}

export function openSource(): OpenedSource {
  const notes: string[] = [];
  for (const c of candidates()) {
    const abs = resolve(c.path);
    if (!existsSync(abs) || statSync(abs).size === 0) {
      notes.push(`${c.path}: not found or empty`);
      continue;
    }
    try {
      return { db: openRecordingFile(abs, c.path, MIGRATIONS), source: { kind: c.kind, path: c.path, note: null } };
    } catch (err) {
      notes.push((err as Error).message);
    }
  }
  return { db: null, source: { kind: 'none', path: null, note: notes.join('; ') } };
}
