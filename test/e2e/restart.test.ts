/**
 * A collector restarted on its database writes every restart gap before the new session's first
 * event. The metrics engine starts afresh at a restart gap, so gaps written as each stream
 * started, between the first data of the others, wiped the session's first values: OKX's
 * long/short ratio, polled every 5 minutes, stayed NULL for the whole session. The raw archive
 * of both sessions, imported, gives the same rows.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureFiles } from '../../collector/feed/raw-files.ts';
import { importCaptures } from '../../collector/import/import-capture.ts';
import { maxSeq } from '../../collector/store/insert.ts';
import { openStore } from '../../collector/store/open.ts';
import { EXCHANGES, type RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { RECORDED_TABLES, recordedRows } from '../helpers/recorded-rows.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const raw = join(dir, 'raw.jsonl');
const METRICS = { bucketMs: 1000, warmupBuckets: 5, zWindowBuckets: 20, zMinSamples: 5 };
/** Market data, gaps aside: the first of these rows after the restart is the session's first event. */
const DATA_TABLES = RECORDED_TABLES.filter((t) => !['gaps', 'metrics', 'alerts'].includes(t));
const FIRST_DATA_AFTER = `SELECT min(seq) FROM (${DATA_TABLES.map((t) => `SELECT min(seq) AS seq FROM ${t} WHERE seq > $after`).join(' UNION ALL ')})`;

const okxGlobalRatio = (e: RecordedEvent) =>
  e.kind === 'long_short' &&
  e.exchange === 'okx-swap' &&
  e.symbol === 'BTC-USDT-SWAP' &&
  e.ratio_type === 'global_accounts';

function session(): Promise<Rig> {
  return startRig(dir, {
    name: 'restart',
    tweak: (c) => {
      c.raw = raw;
      c.metrics = METRICS;
    },
  });
}

describe('collector restart', () => {
  it('writes every restart gap before the new session’s first event, and keeps that session’s first values', async () => {
    const first = await session();
    try {
      await Promise.all([
        ...EXCHANGES.map((ex) => first.next((e) => e.exchange === ex && e.kind !== 'gap', 30_000, `data from ${ex}`)),
        first.next(okxGlobalRatio, 30_000, 'the OKX long/short poll'),
      ]);
    } finally {
      await first.stop();
    }
    const dbPath = first.config.db;
    const before = new Database(dbPath, { readonly: true });
    const lastSeq = maxSeq(before);
    const streams = before
      .prepare("SELECT exchange || ' ' || stream FROM feed_state ORDER BY 1")
      .pluck()
      .all() as string[];
    before.close();

    const second = await session();
    let ratio: RecordedEvent;
    try {
      ratio = await second.next(okxGlobalRatio, 30_000, 'the OKX long/short poll after the restart');
      // A few buckets of OKX BTC closed after the poll.
      await second.next(
        (e) =>
          e.exchange === 'okx-swap' &&
          e.symbol === 'BTC-USDT-SWAP' &&
          e.local_ts >= ratio.local_ts + 3 * METRICS.bucketMs,
        30_000,
        'later OKX data',
      );
    } finally {
      await second.stop();
    }

    const db = new Database(dbPath, { readonly: true });
    const restarts = db
      .prepare("SELECT exchange || ' ' || stream AS stream, seq FROM gaps WHERE cause = 'restart' ORDER BY seq")
      .all() as { stream: string; seq: number }[];
    const firstEvent = db.prepare(FIRST_DATA_AFTER).pluck().get({ after: lastSeq }) as number;
    expect(restarts.map((r) => r.stream).sort()).toEqual(streams);
    expect(
      Math.max(...restarts.map((r) => r.seq)),
      'last restart gap before the first event of the new session',
    ).toBeLessThan(firstEvent);
    expect(Math.min(...restarts.map((r) => r.seq))).toBeGreaterThan(lastSeq);
    const okxRows = db
      .prepare("SELECT ls_global FROM metrics WHERE exchange = 'okx-swap' AND symbol = 'BTC-USDT-SWAP' AND seq > ?")
      .pluck()
      .all(ratio.seq) as (number | null)[];
    expect(okxRows.length).toBeGreaterThan(0);
    expect(
      okxRows.filter((v) => v === null),
      'OKX BTC metric rows without the long/short ratio polled before them',
    ).toEqual([]);
    db.close();

    // The archive holds both sessions: their import restarts at the same place.
    const replayed = join(dir, 'replayed.db');
    const imported = openStore(replayed);
    await importCaptures(imported, captureFiles(raw), { logger: silentLogger, metrics: METRICS });
    imported.close();
    for (const t of RECORDED_TABLES) expect(recordedRows(replayed, t), t).toEqual(recordedRows(dbPath, t));
  }, 120_000);
});
