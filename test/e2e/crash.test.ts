/**
 * kill -9 of the collector while it writes: the database stays intact, every batch the
 * collector reported committed is there, and the restart records the lost interval as a gap.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../collector/simulator/index.ts';
import { EXCHANGES } from '../../replay/core/events.ts';
import { spawnCollector } from '../helpers/collector-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const dbPath = join(dir, 'crash.db');
const configPath = join(dir, 'futuresboard.config.json');
let sim: Awaited<ReturnType<typeof startSimulator>>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, source: 'synthetic', eventsPerSecond: 3000, seed: 3 });
  const exchanges = Object.fromEntries(EXCHANGES.map((id) => [id, { endpoints: sim.endpoints[id] }]));
  writeFileSync(
    configPath,
    JSON.stringify({ db: dbPath, http: { port: 0 }, writer: { flushMs: 20 }, feed: { backoffBaseMs: 50, backoffCapMs: 500 }, exchanges }),
  );
});
afterAll(async () => sim?.close());

describe('collector killed with SIGKILL during writes', () => {
  it('keeps every reported batch, passes integrity_check, and records the restart gap', async () => {
    let reported = 0;
    let batches = 0;
    const first = spawnCollector(configPath, ({ lastSeq }) => {
      reported = Math.max(reported, lastSeq);
      if (++batches === 25) first.child.kill('SIGKILL');
    });
    expect(await first.exited).toBe(null);
    expect(reported).toBeGreaterThan(0);

    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const seqs = db.prepare(
      `SELECT count(*) AS n FROM (SELECT seq FROM trades UNION ALL SELECT seq FROM book_tickers UNION ALL SELECT seq FROM book_tops
       UNION ALL SELECT seq FROM derivative_tickers UNION ALL SELECT seq FROM liquidations UNION ALL SELECT seq FROM open_interest
       UNION ALL SELECT seq FROM long_short UNION ALL SELECT seq FROM gaps) WHERE seq <= ?`,
    ).get(reported) as { n: number };
    // seq is dense (1, 2, 3, …): every reported seq is present.
    expect(seqs.n).toBe(reported);
    const lastBefore = (db.prepare('SELECT max(last_local_ts) AS t FROM feed_state').get() as { t: number }).t;
    db.close();

    // Restart: the interval the collector was down becomes restart gaps, one per stream.
    let restarted = 0;
    const second = spawnCollector(configPath, () => {
      if (++restarted === 10) second.child.kill('SIGTERM');
    });
    expect(await second.exited).toBe(0);
    const again = new Database(dbPath, { readonly: true });
    const gaps = again.prepare("SELECT exchange, stream, start_ts, end_ts FROM gaps WHERE cause = 'restart'").all() as {
      exchange: string; stream: string; start_ts: number; end_ts: number;
    }[];
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) {
      expect(g.start_ts).toBeLessThanOrEqual(lastBefore);
      expect(g.end_ts).toBeGreaterThan(g.start_ts);
    }
    expect(new Set(gaps.map((g) => g.exchange))).toEqual(new Set(EXCHANGES));
    again.close();
  });
});
