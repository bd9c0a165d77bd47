/**
 * Database stats of a recordings folder: closed segments counted from the catalog plus the hot
 * database's rows not yet closed, equal to the whole recording whether or not the closed rows
 * were purged from the hot database yet.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../core/catalog.ts';
import { resolveMetricsConfig } from '../core/metrics/config.ts';
import { syntheticEvents } from '../core/metrics/synthetic.ts';
import { EVENT_TABLES } from '../core/tables.ts';
import { catalogPath } from '../replay/adapters/catalog-file.ts';
import { recordSessions } from '../test/helpers/record-session.ts';
import { buildRecordingsFolder } from '../test/helpers/recordings-folder.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { readDatabaseStats } from './database-stats.ts';

const dir = tempDir('fb-db-stats-');
const START = Date.UTC(2026, 10, 3, 8);
const PERIOD = 10_000;
const src = join(dir, 'session.db');
const folders: Record<'purged' | 'unpurged', { dir: string; catalog: Catalog }> = {} as never;

beforeAll(async () => {
  const config = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 5, zWindowBuckets: 30 });
  // Two sessions (each starts with a restart gap), 50 s each, a minute apart: several periods.
  recordSessions(
    src,
    [
      { config, events: syntheticEvents({ markets: 4, events: 3000, startTs: START, rate: 60, seed: 3 }) },
      { config, events: syntheticEvents({ markets: 4, events: 3000, startTs: START + 60_000, rate: 60, seed: 4 }) },
    ],
    START,
  );
  for (const purge of [true, false]) {
    const rec = join(dir, purge ? 'purged' : 'unpurged');
    folders[purge ? 'purged' : 'unpurged'] = {
      dir: rec,
      catalog: await buildRecordingsFolder(src, rec, { periodMs: PERIOD, purge }),
    };
  }
});

describe('readDatabaseStats with a recordings folder', () => {
  it.each(['purged', 'unpurged'] as const)(
    'counts the whole recording once, hot rows %s, with the closed segments from the catalog',
    (which) => {
      const { dir: rec, catalog } = folders[which];
      const whole = readDatabaseStats(src, 'session.db', START - 1);
      const stats = readDatabaseStats(join(rec, 'hot.db'), 'rec/hot.db', START - 1, { dir: rec, label: 'rec' });
      expect(stats.problems).toEqual([]);
      const events = (s: typeof stats) => Object.fromEntries(EVENT_TABLES.map((t) => [t.table, s.rows[t.table]]));
      expect(events(stats)).toEqual(events(whole));
      expect(whole.rows.trades).toBeGreaterThan(0);
      expect(whole.gapsTotal).toBe(2);
      expect([stats.gapsTotal, stats.gapsSince]).toEqual([2, 2]);
      const closed = catalog.segments.filter((s) => !s.open);
      expect(closed.length).toBeGreaterThan(3);
      expect(stats.recordings).toEqual({
        path: 'rec',
        segments: closed.length,
        bytes: closed.reduce((n, s) => n + s.bytes, 0),
        events: closed.reduce((n, s) => n + s.events, 0),
        from: closed[0].from,
        to: closed.at(-1)!.to,
        pins: 0,
      });
      // After the last event nothing is new.
      const later = readDatabaseStats(join(rec, 'hot.db'), 'rec/hot.db', START + 10 * 60_000, {
        dir: rec,
        label: 'rec',
      });
      expect(later.gapsSince).toBe(0);
    },
  );

  it('reports an unreadable catalog as a problem and still reads the hot database', async () => {
    const rec = join(dir, 'broken');
    await buildRecordingsFolder(src, rec, { periodMs: PERIOD });
    writeFileSync(catalogPath(rec), '[');
    const stats = readDatabaseStats(join(rec, 'hot.db'), 'rec/hot.db', null, { dir: rec, label: 'rec' });
    expect(stats.recordings).toBeNull();
    expect(stats.problems).toHaveLength(1);
    expect(stats.problems[0]).toMatch(/catalog\.json is not a futuresboard recordings catalog/);
    expect(stats.rows.trades).toBeGreaterThan(0);
  });
});
