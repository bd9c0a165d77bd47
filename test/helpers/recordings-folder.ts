/**
 * A recordings folder made from a real v2 recording the way the collector's segment store makes
 * one: receipt time is cut into periods of `periodMs` on UTC boundaries, in seq order (a period
 * ends at the first event stamped past it, as at a rollover); each period but the last
 * `hotPeriods` is copied out by seq range (extractSegment), checked, compressed, hashed and
 * catalogued (publishSegmentFile). The rest stays in the hot database: a copy of the recording
 * listed as the open entry, with the closed rows purged below its seq floor unless `purge` is
 * false (a collector stopped between a close and its purge leaves them in place).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Catalog, SegmentEntry } from '../../core/catalog.ts';
import { extractSegment, purgeThrough } from '../../collector/store/extract.ts';
import { hotStateWriter } from '../../collector/store/segments/hot-state.ts';
import { periodStart, segmentName } from '../../collector/store/segments/period.ts';
import { publishSegmentFile } from '../../collector/store/segments/publish.ts';
import { VERSION } from '../../collector/version.ts';
import { updateCatalog } from '../../replay/adapters/catalog-file.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { resolveMetricsConfig, type MetricsConfig } from '../../core/metrics/config.ts';
import { syntheticEvents } from '../../core/metrics/synthetic.ts';
import { recordSessions } from './record-session.ts';

export interface FolderOptions {
  periodMs: number;
  /** Trailing periods left in the hot database (default 1). */
  hotPeriods?: number;
  /** Purge closed rows from the hot database and raise its seq floor (default true). */
  purge?: boolean;
}

interface Period {
  from: number;
  to: number;
  seqFrom: number;
  seqTo: number;
}

/** The recording's periods with the seqs written in each. */
function periodsOf(src: string, periodMs: number): Period[] {
  const db = openNodeDb(src, { readonly: true });
  const periods: Period[] = [];
  try {
    for (const e of readEvents(db)) {
      const last = periods.at(-1);
      const from = Math.max(periodStart(e.local_ts, periodMs), last?.from ?? -Infinity);
      if (last && last.from === from) last.seqTo = e.seq;
      else periods.push({ from, to: from + periodMs, seqFrom: e.seq, seqTo: e.seq });
    }
  } finally {
    db.close();
  }
  return periods;
}

/** Builds the folder `dir` from recording `src`; returns its catalog. */
export async function buildRecordingsFolder(src: string, dir: string, opts: FolderOptions): Promise<Catalog> {
  mkdirSync(dir, { recursive: true });
  const periods = periodsOf(src, opts.periodMs);
  const closed = periods.slice(0, Math.max(0, periods.length - (opts.hotPeriods ?? 1)));
  const hot = periods.slice(closed.length);
  for (const p of closed) {
    const tmp = join(dir, `${segmentName(p.from)}.building.sqlite`);
    const summary = extractSegment(src, tmp, p, VERSION);
    await publishSegmentFile(dir, tmp, segmentName(p.from), summary, p);
  }

  const hotPath = join(dir, 'hot.db');
  rmSync(hotPath, { force: true });
  const source = new Database(src, { readonly: true });
  source.prepare('VACUUM INTO ?').run(hotPath);
  source.close();
  const floor = closed.at(-1)?.seqTo ?? 0;
  if (opts.purge ?? true) {
    const db = new Database(hotPath);
    db.transaction(() => {
      purgeThrough(db, floor, Number.MAX_SAFE_INTEGER);
      hotStateWriter(db)({
        periodFrom: hot[0]?.from ?? null,
        periodTo: hot[0]?.to ?? null,
        closing: [],
        seqFloor: floor,
      });
    })();
    db.close();
  }
  const first = hot[0];
  const last = hot.at(-1);
  const open: SegmentEntry = {
    file: 'hot.db',
    from: first?.from ?? closed.at(-1)?.to ?? 0,
    to: last?.to ?? closed.at(-1)?.to ?? 0,
    events: 0,
    bytes: 0,
    sha256: null,
    markets: [],
    open: true,
    seq_from: first?.seqFrom ?? null,
    seq_to: last?.seqTo ?? null,
    kinds: {},
  };
  return updateCatalog(dir, (c) => ({ ...c, segment: `${opts.periodMs}ms`, segments: [...c.segments, open] }));
}

export interface SyntheticFolderOptions extends FolderOptions {
  /** Synthetic events (core/metrics/synthetic.ts), `rate` per second from `start`. */
  events: number;
  start: number;
  seed: number;
  markets?: number;
  rate?: number;
  /** Metrics settings recorded with the session (default: 2 s buckets, 60 s z-score window). */
  config?: MetricsConfig;
}

/**
 * A synthetic session recorded the collector's way into `<root>/session.db` and cut into the
 * recordings folder `<root>/rec`: what the folder readers, publishing and the site tests share.
 */
export async function syntheticFolder(
  root: string,
  o: SyntheticFolderOptions,
): Promise<{ src: string; rec: string; catalog: Catalog }> {
  const src = join(root, 'session.db');
  const rec = join(root, 'rec');
  const config = o.config ?? resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 5, zWindowBuckets: 30 });
  const events = syntheticEvents({
    markets: o.markets ?? 3,
    events: o.events,
    startTs: o.start,
    rate: o.rate ?? 50,
    seed: o.seed,
  });
  recordSessions(src, [{ config, events }], o.start);
  return { src, rec, catalog: await buildRecordingsFolder(src, rec, o) };
}
