/**
 * `continuity snapshot` and `report` against a real collector (the simulator and the collector
 * service on 127.0.0.1 port 0, as test/helpers/collector.ts starts them), not a /health stub:
 * the daemon's own health document, feed states and database are what gets recorded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedState } from '../collector/feed/connection.ts';
import { startRig, type Rig } from '../test/helpers/collector.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { run, writeProjectFiles } from './test-support.ts';

/** Every state word the daemon's /health gives a feed (collector/feed/connection.ts). */
const DAEMON_STATES: FeedState['state'][] = ['connecting', 'open', 'stale', 'backoff', 'closed'];

const repo = tempDir('fb-continuity-live-');
let rig: Rig;

beforeAll(async () => {
  writeProjectFiles(repo);
  rig = await startRig(tempDir('fb-continuity-rig-'), { name: 'live' });
  // Every connection has delivered data: its feed is open with a receipt time.
  await rig.next(
    () => rig.service.collector.feeds().every((f) => f.lastDataAt !== null),
    30_000,
    'data on every connection',
  );
});
afterAll(async () => {
  await rig?.stop();
});

const tradeRows = () => {
  const db = new Database(rig.config.db, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('continuity against a running collector', () => {
  it('snapshots its /health, feeds and database, and reports them', async () => {
    const env = { FUTURESBOARD_PORT: String(rig.service.port), FUTURESBOARD_DB: rig.config.db };
    const before = tradeRows();
    const snap = await run(['snapshot', '--repo', repo], { env });
    const after = tradeRows();
    expect(snap.err).toBe('');
    expect(snap.code).toBe(0);

    const s = JSON.parse(readFileSync(join(repo, 'data/continuity_state.json'), 'utf8')).snapshot;
    expect(s.health.running).toBe(true);
    expect(['ok', 'degraded']).toContain(s.health.status);
    expect(s.health.version).toMatch(/^\d+\.\d+\.\d+/);
    // The daemon's connections, one feed each, with the daemon's own state words.
    const daemon = rig.service.collector.feeds();
    expect(s.feeds.map((f: { exchange: string; stream: string }) => `${f.exchange} ${f.stream}`).sort()).toEqual(
      daemon.map((f) => `${f.exchange} ${f.stream}`).sort(),
    );
    for (const f of s.feeds) {
      expect(DAEMON_STATES).toContain(f.state);
      // Data is flowing: every feed had data within the stale limit when it was asked.
      expect(f.state).toBe('open');
      expect(f.live).toBe(true);
    }
    expect(s.uptime).toMatchObject({ up: 1, snapshots: 1, websocketPct: 100 });
    // The rows of the file being written, counted between the two reads around the snapshot.
    expect(s.database.exists).toBe(true);
    expect(s.database.rows.trades).toBeGreaterThanOrEqual(before);
    expect(s.database.rows.trades).toBeLessThanOrEqual(after);
    expect(s.database.rows.markets).toBeGreaterThan(0);

    const report = await run(['report', '--repo', repo], { env });
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
    const [file] = readdirSync(join(repo, 'docs/status'));
    const md = readFileSync(join(repo, 'docs/status', file), 'utf8');
    expect(md).toContain(`status: "${s.health.status}"`);
    for (const f of s.feeds) expect(md).toContain(`| ${f.exchange} | ${f.stream} | open |`);
  });
});
