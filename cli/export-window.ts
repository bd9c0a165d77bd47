/**
 * `futuresboard export --recordings <dir>`: one self-contained v2 file for a window of a
 * recordings folder. The parts the window needs are appended in play order with copyRange (the
 * same parts and filters replay reads, so the file replays as the window does), then the file
 * gets its metadata, journal_mode=DELETE and a VACUUM (finishSegment), is integrity-checked, and
 * renamed over --out. A closed segment is gunzipped to a temporary file for the copy, one at a
 * time; nothing is left behind on failure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { copyRange, finishSegment, type SegmentSummary } from '../collector/store/extract.ts';
import { VERSION } from '../collector/version.ts';
import { exportError } from '../collector/export/errors.ts';
import { fsyncPath } from '../collector/export/snapshot-copy.ts';
import type { ExportFilters } from '../collector/export/filters.ts';
import { openNodeDb } from '../replay/adapters/node-sqlite.ts';
import { segmentBytes } from '../replay/adapters/segment-file.ts';
import { planParts, type Recording } from '../replay/player/parts.ts';
import { summarizeEvents } from '../replay/player/read-events.ts';

export interface WindowExport {
  outPath: string;
  bytes: number;
  summary: SegmentSummary;
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Just past the last receipt time of the events in `path` (its start when it has none). */
function eventsEnd(path: string, start: number): number {
  const db = openNodeDb(path, { readonly: true });
  try {
    const last = summarizeEvents(db).last_ts;
    return last === null ? start : last + 1;
  } finally {
    db.close();
  }
}

/** Writes the window `filters` of recordings folder `rec` (openRecordingsDir) to `outPath`. */
export function exportWindow(rec: Recording, outPath: string, filters: ExportFilters): WindowExport {
  const out = resolve(outPath);
  if (!existsSync(dirname(out)))
    throw exportError('E_EXPORT_OPTIONS', `folder ${dirname(out)} does not exist; create it first`, 'outPath');
  const plan = planParts(rec, filters);
  if (!plan.length)
    throw exportError(
      'E_EXPORT_OPTIONS',
      `no segment of ${rec.name} overlaps the window; \`futuresboard recordings list --recordings ${rec.name}\` shows its periods`,
      'from',
    );
  // Beside the target, so the final rename stays on one filesystem (atomic).
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = join(dirname(out), `.${basename(out)}.${tag}.tmp`);
  const segTmp = join(dirname(out), `.${basename(out)}.${tag}.segment.tmp`);
  try {
    const first = plan[0].part.entry!;
    const last = plan[plan.length - 1].part.entry!;
    // The file's times count from its start, as a segment's do.
    const from = filters.from ?? first.from;
    for (const { part, filter } of plan) {
      const markets = filter.markets ? [...filter.markets] : undefined;
      const range = { from: filter.from, to: filter.to, markets, base: from };
      if (part.entry && !part.entry.open) {
        writeFileSync(segTmp, segmentBytes(rec.name, part.entry));
        copyRange(segTmp, tmp, range);
        rmSync(segTmp, { force: true });
      } else {
        // Opening the hot database tells from which seq on its rows are not in a closed segment yet.
        const opened = part.open();
        opened.db.close();
        copyRange(part.name, tmp, { ...range, afterSeq: opened.afterSeq });
      }
    }
    // Without --to the period ends with the last segment's, or past the hot database's last event.
    const to = filters.to ?? (last.open ? eventsEnd(tmp, from) : last.to);
    const summary = finishSegment(tmp, { from, to, codeVersion: VERSION });
    const check = integrity(tmp);
    if (check !== 'ok') throw exportError('E_EXPORT_INTEGRITY', `the copy failed integrity_check: ${check}`);
    fsyncPath(tmp);
    renameSync(tmp, out);
    fsyncPath(dirname(out));
    return { outPath: out, bytes: statSync(out).size, summary };
  } finally {
    for (const f of [tmp, `${tmp}-journal`, segTmp]) rmSync(f, { force: true });
  }
}
