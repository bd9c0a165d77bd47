import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../collector/store/migrations.ts';
import { openNodeDb, type NodeDb } from '../replay/adapters/node-sqlite.ts';
import type { RecordedEvent } from '../core/events.ts';
import type { AlertTier } from '../core/metrics/types.ts';
import { migrate } from '../core/migrations.ts';
import { alertRecord, metricRow, writeEvents, writeMetricsAndAlerts } from '../test/helpers/write-recording.ts';
import { closedPort, healthServer, removeDir, run, tempDir, writeProjectFiles } from './test-support.ts';

const T0 = Date.UTC(2025, 5, 13, 12, 0, 0);
const MIN = 60_000;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  writeProjectFiles(dir);
});
afterEach(() => removeDir(dir));

const readState = () => JSON.parse(readFileSync(join(dir, 'data/continuity_state.json'), 'utf8'));

let seq = 0;
/** A recorded database made by the real migrations, with trades and gaps appended by the collector's inserter. */
function recordDatabase(file: string, t: { trades: number; gapsAt: number[] }) {
  const db = openNodeDb(file);
  migrate(db, loadMigrations(), () => T0);
  const trades = Array.from(
    { length: t.trades },
    (): RecordedEvent => ({
      seq: ++seq,
      kind: 'trade',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: T0,
      local_ts: T0,
      id: `t${seq}`,
      price: '64000.10',
      qty: '0.002',
      side: 'buy',
    }),
  );
  const gaps = t.gapsAt.map(
    (at): RecordedEvent => ({
      seq: ++seq,
      kind: 'gap',
      exchange: 'okx-swap',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC/USDT:USDT',
      ts: at,
      local_ts: at,
      stream: 'public',
      start_ts: at - 5000,
      end_ts: at,
      seq_before: null,
      seq_after: null,
      cause: 'disconnect',
    }),
  );
  writeEvents(db.raw, [...trades, ...gaps]);
  db.close();
}

function addMetric(db: NodeDb, zMax: number | null) {
  const metric = metricRow({
    bucket_ts: T0 + seq * MIN,
    local_ts: T0,
    seq: ++seq,
    volume: 1,
    quote_volume: 64000,
    z_max: zMax,
  });
  writeMetricsAndAlerts(db.raw, { metrics: [metric] });
}

function addAlert(db: NodeDb, tier: AlertTier, direction: 'up' | 'down', r5: number | null, r15: number | null) {
  const alert = alertRecord({
    local_ts: T0,
    seq: ++seq,
    bucket_ts: T0 + seq * MIN,
    tier,
    direction,
    fwd_ret_5m: r5,
    fwd_ret_15m: r15,
  });
  writeMetricsAndAlerts(db.raw, { alerts: [alert] });
}

/** Shaped like the daemon's /health (collector/relay/health.ts), plus fields it may add later. */
const healthDoc = {
  status: 'degraded',
  reasons: ['feed bybit-linear/bybit-linear/linear/0 stale (no data for 600 s)'],
  feeds: [
    {
      exchange: 'binance-usdm',
      stream: 'market',
      connection: 'binance-usdm/market/0',
      state: 'open',
      lastDataAt: T0 - 1200,
      reconnects: 0,
      lastError: null,
      status: 'up',
      lastMessageAgeMs: 1200,
      messages: 99,
    },
    {
      exchange: 'bybit-linear',
      stream: 'linear',
      connection: 'bybit-linear/linear/0',
      state: 'open',
      lastDataAt: T0 - 10 * MIN,
      reconnects: 0,
      lastError: null,
      status: 'stale',
      lastMessageAgeMs: 10 * MIN,
    },
  ],
  openGaps: 1,
  writerLagMs: 12,
  dbBytes: 4096,
  uptimeS: 3600,
  version: '0.1.0',
  somethingNew: true,
};

describe('continuity snapshot', () => {
  it('records /health, rows, alerts, z, file hashes; then growth, new gaps and drift against the previous snapshot', async () => {
    const server = await healthServer((_n, auth) =>
      auth === 'Bearer daemon-token-1234' ? healthDoc : { status: 'down', reasons: ['unauthorized'] },
    );
    try {
      mkdirSync(join(dir, 'data'));
      recordDatabase(join(dir, 'data/futures.db'), { trades: 3, gapsAt: [T0 - MIN] });
      const db = openNodeDb(join(dir, 'data/futures.db'));
      addMetric(db, 2.5);
      addMetric(db, -1.5);
      addMetric(db, null);
      // 5m: up/up (hit), down/up (miss), up/down (miss); 15m: all three hit.
      addAlert(db, 1, 'up', 0.01, 0.02);
      addAlert(db, 2, 'down', 0.01, -0.02);
      addAlert(db, 1, 'up', -0.01, 0.01);
      db.close();
      const env = { FUTURESBOARD_PORT: String(server.port), FUTURESBOARD_TOKEN: 'daemon-token-1234' };

      const first = await run(['snapshot', '--repo', dir], { env, now: () => T0 });
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toContain('collector degraded');
      const s1 = readState().snapshot;
      expect(s1.time).toBe('2025-06-13T12:00:00.000Z');
      expect(s1.phase.tag).toBe('build');
      expect(s1.version).toBe('1.2.3');
      expect(s1.health).toMatchObject({
        running: true,
        status: 'degraded',
        reasons: ['feed bybit-linear/bybit-linear/linear/0 stale (no data for 600 s)'],
        openGaps: 1,
        uptimeS: 3600,
      });
      expect(s1.feeds.map((f: { live: boolean }) => f.live)).toEqual([true, false]); // stale limit 30 s from the config
      expect(s1.database.rows).toMatchObject({ trades: 3, gaps: 1, markets: 0, metrics: 3, alerts: 3 });
      expect(s1.database.alerts.byTier).toEqual({ 'tier 1': 2, 'tier 2': 1 });
      expect(s1.database.alerts.hitRate['5m']).toEqual({ evaluated: 3, hits: 1, pct: 100 / 3 });
      expect(s1.database.alerts.hitRate['15m']).toEqual({ evaluated: 3, hits: 3, pct: 100 });
      expect(s1.database.alerts.hitRate['60m']).toEqual({ evaluated: 0, hits: 0, pct: null });
      expect(s1.database.metrics.avgAbsZ).toBe(2);
      const migrations = readdirSync(join(dir, 'core/migrations')).map((f) => `core/migrations/${f}`);
      expect(Object.keys(s1.files)).toEqual([
        ...migrations,
        'docs/guide.md',
        'docs/status_report_template.md',
        'package.json',
      ]);
      expect(s1.files['docs/guide.md']).toBe(createHash('sha256').update('# Guide\n').digest('hex'));
      expect(s1.uptime).toMatchObject({ pct: 100, up: 1, snapshots: 1, websocketPct: 50 });
      expect(s1.drift).toBeNull();
      expect(s1.growth.trades).toBeNull();

      recordDatabase(join(dir, 'data/futures.db'), { trades: 2, gapsAt: [T0 + 2 * MIN, T0 + 3 * MIN] });
      writeFileSync(join(dir, 'docs/guide.md'), '# Guide, edited\n');
      writeFileSync(join(dir, 'docs/new.md'), '# New\n');
      const second = await run(['snapshot', '--repo', dir], { env, now: () => T0 + 5 * MIN });
      expect(second.code).toBe(0);
      const s2 = readState().snapshot;
      expect(s2.growth).toMatchObject({ trades: 2, gaps: 2, markets: 0 });
      expect(s2.gaps).toEqual({ total: 3, sincePrevious: 2, previousInterval: null, open: 1 });
      expect(s2.drift).toEqual({ added: ['docs/new.md'], removed: [], changed: ['docs/guide.md'] });
      expect(s2.previousTime).toBe(s1.time);
      expect(readState().history).toHaveLength(2);
      expect(readFileSync(join(dir, 'data/continuity_state.json'), 'utf8')).not.toContain('daemon-token-1234');
    } finally {
      await server.close();
    }
  });

  it('says "collector not running" and zero rows without a daemon or a database', async () => {
    const r = await run(['snapshot', '--repo', dir], { env: { FUTURESBOARD_PORT: String(await closedPort()) } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('collector not running');
    const s = readState().snapshot;
    expect(s.health.running).toBe(false);
    expect(s.health.detail).toMatch(/ECONNREFUSED/);
    expect(s.database.exists).toBe(false);
    expect(Object.values(s.database.rows)).toEqual(Array(9).fill(0));
    expect(s.database.alerts).toBeNull();
  });

  it('computes uptime over a constructed history, keeping only the last --history snapshots', async () => {
    const entry = (state: string, i: number) => ({
      time: new Date(T0 + i * MIN).toISOString(),
      state,
      feedsLive: state === 'not_running' ? 0 : 2,
      feedsTotal: state === 'not_running' ? 0 : 4,
    });
    // Oldest first; the first two fall out of a window of 6 once the new snapshot is added.
    const history = ['down', 'down', 'ok', 'degraded', 'not_running', 'ok', 'down'].map(entry);
    const first = await run(['snapshot', '--repo', dir], {
      env: { FUTURESBOARD_PORT: String(await closedPort()) },
      now: () => T0,
    });
    expect(first.code).toBe(0);
    const state = readState();
    writeFileSync(join(dir, 'data/continuity_state.json'), JSON.stringify({ ...state, history }));

    const r = await run(['snapshot', '--repo', dir, '--history', '6'], {
      env: { FUTURESBOARD_PORT: String(await closedPort()) },
      now: () => T0 + 10 * MIN,
    });

    expect(r.code).toBe(0);
    const next = readState();
    // Window: ok, degraded, not_running, ok, down, not_running (new) -> 3 of 6 up.
    expect(next.history.map((e: { state: string }) => e.state)).toEqual([
      'ok',
      'degraded',
      'not_running',
      'ok',
      'down',
      'not_running',
    ]);
    // Websocket: 2 of 4 feeds live in each answered snapshot, 0 when not running -> (4 x 50 %) / 6.
    expect(next.snapshot.uptime).toEqual({ pct: 50, up: 3, snapshots: 6, websocketPct: 33.33 });
    expect(r.out).toContain('uptime 50.00% over 6 snapshot(s)');
  });

  it('refuses a corrupt state file with the fix in the message', async () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/continuity_state.json'), '{ not json');
    const r = await run(['snapshot', '--repo', dir], { env: { FUTURESBOARD_PORT: String(await closedPort()) } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/continuity_state\.json: not valid JSON.*delete it to start a new history \[E_STATE\]/);
  });
});
