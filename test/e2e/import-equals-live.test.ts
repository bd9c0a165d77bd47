/**
 * `import` of a `collect --raw` archive reproduces the rows the collector wrote live, table by
 * table and column by column (only the storage-internal `seq`/`id` differ in meaning), under
 * the conditions that once broke it: a subset of the simulator's markets on every exchange
 * (OKX liquidations arrive for every swap), skipped sequence numbers, and a forced reconnect on
 * every exchange (fresh parsers, disconnect gaps, REST state carried into the new connection),
 * all of them in the second file of a rotated archive.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SEGMENT_MS } from '../../collector/config/schema.ts';
import { captureFiles } from '../../collector/feed/raw-files.ts';
import { importCaptures } from '../../collector/import/import-capture.ts';
import { openStore } from '../../collector/store/open.ts';
import { EXCHANGES, type ExchangeId, type RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { clockBeforeBoundary } from '../helpers/clock.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { RECORDED_TABLES, recordedRows } from '../helpers/recorded-rows.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** The simulator serves BTC, ETH and SOL on each exchange; each records fewer. */
const SUBSETS: Record<ExchangeId, string[]> = {
  'binance-usdm': ['BTCUSDT', 'ETHUSDT'],
  'bybit-linear': ['BTCUSDT', 'SOLUSDT'],
  'okx-swap': ['BTC-USDT-SWAP'],
};
/** Short buckets, so that a few seconds of recording give metric rows to compare. */
const METRICS = { bucketMs: 1000, warmupBuckets: 5, zWindowBuckets: 20, zMinSamples: 5 };

async function fault(rig: Rig, spec: object): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${rig.sim.port}/_sim/fault`, {
    method: 'POST',
    body: JSON.stringify(spec),
  });
  expect(res.status).toBe(200);
}

/** Resolves once every exchange has committed an event matching `pred`. */
function onEvery(
  rig: Rig,
  exchanges: readonly ExchangeId[],
  pred: (e: RecordedEvent) => boolean,
  what: string,
): Promise<unknown> {
  return Promise.all(exchanges.map((ex) => rig.next((e) => e.exchange === ex && pred(e), 30_000, `${what} on ${ex}`)));
}

describe('import of a raw archive', () => {
  it('reproduces every live row of a session with market subsets, sequence breaks and reconnects', async () => {
    const raw = join(dir, 'raw.jsonl');
    // The archive rotates a few seconds in, so the faults below land in a file that continues the session.
    const clock = clockBeforeBoundary(SEGMENT_MS['1m'], 3000);
    const rig = await startRig(dir, {
      name: 'live',
      now: clock.now,
      tweak: (c) => {
        c.raw = raw;
        c.store.segment = '1m';
        c.metrics = METRICS;
        for (const id of EXCHANGES) c.exchanges[id].markets = { symbols: SUBSETS[id] };
      },
    });
    try {
      // Binance merges polled open interest into its tickers: a REST body is in the parser's
      // state before the reconnect, so the new connection's parser must carry it too.
      await rig.next(
        (e) => e.kind === 'derivative_ticker' && e.exchange === 'binance-usdm' && e.open_interest !== null,
        30_000,
        'polled open interest',
      );
      // Its frame was archived before it was parsed: the archive has rotated.
      await rig.next((e) => e.local_ts >= clock.boundary, 70_000, 'an event after the boundary');
      // OKX's books5 carries no sequence numbers: sequence breaks come from Binance and Bybit.
      const breaks = onEvery(
        rig,
        ['binance-usdm', 'bybit-linear'],
        (e) => e.kind === 'gap' && e.cause === 'sequence',
        'a sequence gap',
      );
      await fault(rig, { exchange: 'all', fault: 'skip-seq' });
      await breaks;
      const reconnects = onEvery(
        rig,
        EXCHANGES,
        (e) => e.kind === 'gap' && e.cause === 'disconnect',
        'a disconnect gap',
      );
      await fault(rig, { exchange: 'all', fault: 'drop' });
      await reconnects;
      // Metric rows come with closed buckets: on a fast machine the steps above take less than
      // one, so record until the first metric row is committed.
      const probe = new Database(rig.config.db, { readonly: true });
      const metricRows = () => probe.prepare('SELECT count(*) FROM metrics').pluck().get() as number;
      await expect.poll(metricRows).toBeGreaterThan(0);
      probe.close();
    } finally {
      await rig.stop();
    }

    const replayed = join(dir, 'replayed.db');
    const db = openStore(replayed);
    const files = captureFiles(raw);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const result = await importCaptures(db, files, { logger: silentLogger, metrics: METRICS });
    db.close();
    expect(result.parseErrors).toBe(0);
    expect(result.malformedLines).toBe(0);
    for (const t of RECORDED_TABLES) expect(recordedRows(replayed, t), t).toEqual(recordedRows(rig.config.db, t));
    // The comparison covered what it is about.
    const live = new Database(rig.config.db, { readonly: true });
    const count = (sql: string) => live.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(DISTINCT exchange) FROM gaps WHERE cause = 'disconnect'")).toBe(3);
    expect(count('SELECT count(*) FROM metrics')).toBeGreaterThan(0);
    expect(count("SELECT count(*) FROM trades WHERE exchange = 'okx-swap' AND symbol <> 'BTC-USDT-SWAP'")).toBe(0);
    live.close();
  }, 120_000);
});
