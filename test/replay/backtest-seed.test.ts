/**
 * `futuresboard backtest --strategy follow-tier2 --param tier=6` trades the seed preset's tier-6
 * clusters. The backtest recomputes metrics with the config the recording was made with, so a
 * copy of the fixture session gets `preset: "seed"` recorded in `metrics_config`; the strategy
 * must then trade exactly the clusters a seed engine finds in those events. The fixture as
 * committed (no recorded config: the default preset, tier 6 off) gives no trade.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../cli/backtest.ts';
import { silentLogger } from '../../core/log.ts';
import { resolveMetricsConfig } from '../../core/metrics/config.ts';
import { createMetricsEngine } from '../../core/metrics/engine.ts';
import { recordMetricsConfig } from '../../core/metrics/store.ts';
import { collect } from '../../core/metrics/test-support.ts';
import type { AlertRecord } from '../../core/metrics/types.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import type { BacktestReport } from '../../replay/backtest/report.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FIXTURE_DB } from './support.ts';

const dir = tempDir('fb-backtest-seed-');
const SEED = resolveMetricsConfig({ preset: 'seed' });

/** Runs the CLI as a user would and reads the report it wrote. */
async function backtest(db: string, out: string): Promise<BacktestReport> {
  const args = ['--db', db, '--strategy', 'follow-tier2', '--param', 'tier=6', '--out', join(dir, out)];
  expect(await runBacktest(args, captureIo())).toBe(0);
  return JSON.parse(readFileSync(join(dir, out, 'report.json'), 'utf8')) as BacktestReport;
}

let seedDb: string;
let clusters: AlertRecord[];
beforeAll(() => {
  seedDb = join(dir, 'seed.sqlite');
  copyFileSync(FIXTURE_DB, seedDb);
  const db = openNodeDb(seedDb);
  try {
    // Recorded from the first event on, as the collector records the config it starts with.
    recordMetricsConfig(db, SEED, 1, Date.UTC(2025, 5, 13, 7, 45));
    const engine = createMetricsEngine(SEED, { logger: silentLogger });
    clusters = collect(engine, readEvents(db)).alerts.filter((a) => a.tier === 6);
  } finally {
    db.close();
  }
});

describe('backtest follow-tier2 --param tier=6', () => {
  it('on a session recorded under the seed preset, opens a position at each cluster, in its direction', async () => {
    // The fixture session has a few clusters under seed, each opening or reversing a position.
    expect(clusters.length).toBeGreaterThanOrEqual(2);
    expect(clusters.every((c) => c.rule === 'cluster' && Number(c.inputs.alerts) >= 3)).toBe(true);
    const report = await backtest(seedDb, 'seed');
    expect(report.trade_list.map((t) => [t.exchange, t.market, t.open_ts, t.direction])).toEqual(
      clusters.map((c) => [c.exchange, c.market, c.local_ts, c.direction === 'up' ? 'long' : 'short']),
    );
  });

  it('trades nothing on the same session under the default preset, which has no tier 6', async () => {
    expect((await backtest(FIXTURE_DB, 'default')).trade_list).toEqual([]);
  });
});
