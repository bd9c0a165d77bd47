/**
 * `collect --raw` archives every frame in the capture format, gzip-compressed and rotated on the
 * store's segment boundaries, and `import` of that archive re-normalizes the session into the
 * same rows the collector recorded live: all of its files in turn, each of them alone, and what a
 * kill -9 left of it.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENT_MS } from '../../collector/config/schema.ts';
import { captureFiles } from '../../collector/feed/raw-files.ts';
import { importCaptures, type ImportResult } from '../../collector/import/import-capture.ts';
import { openStore } from '../../collector/store/open.ts';
import { EXCHANGES } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import { clockBeforeBoundary } from '../helpers/clock.ts';
import { startRig } from '../helpers/collector.ts';
import { spawnCollector, writeCollectorConfig } from '../helpers/collector-process.ts';
import { RECORDED_TABLES, recordedRows } from '../helpers/recorded-rows.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const MINUTE = SEGMENT_MS['1m'];

async function importInto(name: string, files: string[]): Promise<{ path: string; result: ImportResult }> {
  const path = join(dir, `${name}.db`);
  const db = openStore(path);
  try {
    return { path, result: await importCaptures(db, files, { logger: silentLogger }) };
  } finally {
    db.close();
  }
}

/** The UTC minute of `ms` as the archive names it, spelled out independently of raw-files.ts. */
const minuteStamp = (ms: number) => `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 13)}Z`;

describe('raw frame archive', () => {
  it('rotates into gzip files that each import alone and together give the rows written live', async () => {
    const raw = join(dir, 'raw.jsonl');
    // A minute's boundary a few seconds into the session, rather than up to a minute of waiting.
    const clock = clockBeforeBoundary(MINUTE, 3000);
    const rig = await startRig(dir, {
      name: 'live',
      now: clock.now,
      tweak: (c) => {
        c.raw = raw;
        c.store.segment = '1m';
      },
    });
    try {
      await rig.next((e) => e.kind === 'trade' && e.exchange === 'okx-swap', 20_000, 'trades from every exchange');
      await rig.next((e) => e.kind === 'long_short', 20_000, 'a REST poll');
      // Its frame was archived before it was parsed: the archive has rotated.
      await rig.next((e) => e.local_ts >= clock.boundary, 70_000, 'an event after the boundary');
    } finally {
      await rig.stop();
    }

    const files = captureFiles(raw);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const contents = files.map((f) =>
      gunzipSync(readFileSync(f))
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { t: string; recorded?: number; session?: string; part?: number }),
    );
    // Each file opens with a header of the one session, recorded within the minute its name gives.
    contents.forEach((lines, i) => {
      const h = lines[0];
      expect(h.t).toBe('header');
      expect(h.part).toBe(i + 1);
      expect(h.session).toBe(contents[0][0].session);
      expect(basename(files[i])).toBe(`raw.${minuteStamp(h.recorded! * 1000)}.jsonl.gz`);
    });
    expect(new Set(contents.flat().map((l) => l.t))).toEqual(new Set(['header', 'connect', 'send', 'recv', 'http']));

    for (const [i, f] of files.entries()) {
      const alone = await importInto(`alone-${i}`, [f]);
      expect(alone.result, basename(f)).toMatchObject({ parseErrors: 0, malformedLines: 0 });
      expect(alone.result.frames).toBeGreaterThan(0);
    }
    const all = await importInto('replayed', files);
    expect(all.result).toMatchObject({ parseErrors: 0, malformedLines: 0 });
    for (const t of RECORDED_TABLES) expect(recordedRows(all.path, t), t).toEqual(recordedRows(rig.config.db, t));
  }, 120_000);

  describe('after kill -9 of the collector', () => {
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    beforeAll(async () => {
      sim = await startSimulator({ port: 0, source: 'synthetic', eventsPerSecond: 2000, seed: 5 });
    });
    afterAll(async () => sim?.close());

    it('imports everything before the cut and counts the cut as one malformed line', async () => {
      const raw = join(dir, 'killed', 'raw.jsonl');
      const db = join(dir, 'killed', 'live.db');
      const config = writeCollectorConfig(join(dir, 'killed.config.json'), {
        db,
        raw,
        exchanges: Object.fromEntries(EXCHANGES.map((id) => [id, { endpoints: sim.endpoints[id] }])),
      });
      const proc = spawnCollector(config, () => {});
      try {
        // Written through zlib's periodic sync flush: frames are on disk, the gzip trailer is not.
        await expect
          .poll(() => captureFiles(raw).reduce((n, f) => n + readFileSync(f).length, 0), { timeout: 60_000 })
          .toBeGreaterThan(50_000);
      } finally {
        proc.child.kill('SIGKILL');
      }
      expect(await proc.exited).toBe(null);

      const { path, result } = await importInto('killed-import', captureFiles(raw));
      expect(result.parseErrors).toBe(0);
      expect(result.malformedLines).toBe(1);
      expect(result.files.at(-1)?.truncated).toBe(true);
      expect(result.events).toBeGreaterThan(0);
      // The archive and the database stop at different moments: up to the earlier one they agree.
      for (const t of RECORDED_TABLES.filter((t) => !['gaps', 'metrics', 'alerts'].includes(t))) {
        const [mine, live] = [recordedRows(path, t), recordedRows(db, t)];
        const n = Math.min(mine.length, live.length);
        expect(mine.slice(0, n), t).toEqual(live.slice(0, n));
      }
      expect(recordedRows(path, 'trades').length).toBeGreaterThan(0);
    }, 120_000);
  });
});
