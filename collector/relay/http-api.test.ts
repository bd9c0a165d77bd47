/** The HTTP API on the daemon's port: real server on port 0, real SQLite file, real requests. */
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import initSqlJs from 'sql.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../core/events.ts';
import { alertRecord, writeEvents, writeMetricsAndAlerts } from '../../test/helpers/write-recording.ts';
import {
  bookTicker,
  createDatabase,
  healthyInput,
  startTestServer,
  tempDir,
  TestClient,
  trade,
  type TestServer,
} from './test-support.ts';

const BTC = 'BTC/USDT:USDT';

let tmp: ReturnType<typeof tempDir>;
let db: Database.Database;
let dbPath: string;
let srv: TestServer | null = null;

beforeEach(() => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'live.db');
  db = createDatabase(dbPath);
  db.prepare(
    "INSERT INTO markets VALUES ('binance-usdm', 'BTCUSDT', ?, 'BTC', 'USDT', 'USDT', '1', 0, '0.10', 1), ('okx-swap', 'BTC-USDT-SWAP', ?, 'BTC', 'USDT', 'USDT', '0.01', 0, '0.1', 1)",
  ).run(BTC, BTC);
});

afterEach(async () => {
  await srv?.close();
  srv = null;
  db.close();
  tmp.cleanup();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(srv!.httpUrl + path, { headers });

/** Sends raw bytes (requests fetch would refuse to make) and resolves with the whole reply. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let reply = '';
    socket.on('data', (d) => (reply += d));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('GET /health', () => {
  it('goes ok -> degraded -> down -> ok with the daemon state, 200/200/503/200, and pushes it to relay clients', async () => {
    srv = await startTestServer({ dbPath, healthPublishMs: 20 });
    const ok = await get('/health');
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({
      status: 'ok',
      reasons: [],
      openGaps: 0,
      writerLagMs: 40,
      dbBytes: 4096,
      uptimeS: 120,
      version: '0.1.0-test',
    });
    expect(body.feeds[0]).toMatchObject({
      exchange: 'binance-usdm',
      stream: 'market',
      state: 'open',
      lastMessageAgeMs: 100,
    });

    // A stalled feed (the simulator's stall switch): connected, no data for longer than staleMs.
    const stalled = structuredClone(srv.health.input);
    stalled.feeds[0].lastDataAt = stalled.now - 60_000;
    srv.health.input = stalled;
    const degraded = await get('/health');
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({
      status: 'degraded',
      reasons: ['feed binance-usdm/binance-usdm/market/0 stale (no data for 60 s)'],
    });

    const client = await TestClient.connect(srv.url);
    for (;;) {
      const m = await client.next();
      if (m.type === 'update' && m.channels.health[0].status === 'degraded') break;
    }

    const down = structuredClone(stalled);
    for (const f of down.feeds) f.state = 'backoff';
    srv.health.input = down;
    const downRes = await get('/health');
    expect(downRes.status).toBe(503);
    expect((await downRes.json()).status).toBe('down');
    for (;;) {
      const m = await client.next();
      if (m.type === 'update' && m.channels.health[0].status === 'down') break;
    }

    srv.health.input = healthyInput();
    const back = await get('/health');
    expect(back.status).toBe(200);
    expect((await back.json()).status).toBe('ok');
    client.close();
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the futuresboard_ series, counting relay clients', async () => {
    srv = await startTestServer({ dbPath });
    const c = await TestClient.connect(srv.url);
    await c.next();
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^futuresboard_relay_clients 1$/m);
    for (const name of [
      'futuresboard_events_total',
      'futuresboard_write_batch_seconds',
      'futuresboard_relay_drops_total',
      'futuresboard_event_loop_delay_p99_seconds',
    ])
      expect(text).toContain(`# TYPE ${name}`);
    c.close();
  });
});

describe('JSON API', () => {
  it('lists markets, the latest state of one market, and alerts since a time (none in a database without the alerts table)', async () => {
    srv = await startTestServer({ dbPath });
    const markets = await (await get('/api/markets')).json();
    expect(markets.map((m: { exchange: string; contract_size: string }) => [m.exchange, m.contract_size])).toEqual([
      ['binance-usdm', '1'],
      ['okx-swap', '0.01'],
    ]);

    srv.server.relay.publishEvents([bookTicker(BTC, '65000'), trade(BTC, '65000.5')]);
    srv.server.relay.publish('metrics', BTC, { exchange: 'binance-usdm', zscore: '1.5' });
    const latest = await (await get('/api/latest?market=' + encodeURIComponent(BTC))).json();
    expect(latest.market).toBe(BTC);
    expect(latest.channels.tickers).toMatchObject([{ kind: 'book_ticker', bid_price: '65000' }]);
    expect(latest.channels.trades).toMatchObject([{ price: '65000.5' }]);
    expect(latest.channels.metrics).toEqual([{ exchange: 'binance-usdm', zscore: '1.5' }]);
    expect((await get('/api/latest?market=BTCUSDT')).status).toBe(404);
    expect((await get('/api/latest')).status).toBe(400);

    const alert = (local_ts: number, seq: number, oi_change: string) =>
      alertRecord({
        local_ts,
        seq,
        bucket_ts: local_ts - 40,
        tier: 2,
        rule: 'oi_surge',
        value: 3.1,
        threshold: 3,
        inputs: { oi_change },
      });
    expect(writeMetricsAndAlerts(db, { alerts: [alert(1000, 10, '0.05'), alert(2000, 20, '0.07')] })).toEqual([1, 2]);
    const alerts = await (await get('/api/alerts?since=1500')).json();
    expect(alerts).toMatchObject([
      { id: 2, market: BTC, local_ts: 2000, tier: 2, rule: 'oi_surge', value: 3.1, inputs: { oi_change: '0.07' } },
    ]);
    expect(alerts).toHaveLength(1);
    expect(await (await get('/api/alerts?since=1970-01-01T00:00:00.500Z')).json()).toHaveLength(2);
    expect((await get('/api/alerts?since=yesterday')).status).toBe(400);
    expect((await get('/api/alerts?limit=0')).status).toBe(400);

    // A database recorded before the alerts migration simply has no alerts.
    db.exec('DROP VIEW alerts; DROP TABLE alert_deliveries; DROP TABLE alert_returns; DROP TABLE alert_rows');
    expect(await (await get('/api/alerts?since=0')).json()).toEqual([]);
  });

  it('answers unknown paths with 404 JSON and other methods with 405', async () => {
    srv = await startTestServer({ dbPath });
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('E_NOT_FOUND');
    const post = await fetch(srv.httpUrl + '/health', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
  });

  it('refuses a Host that is not a loopback name when bound to loopback without a token (DNS rebinding)', async () => {
    srv = await startTestServer({ dbPath });
    const rebound = await rawRequest(
      srv.server.port,
      'GET /api/markets HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
    );
    expect(rebound).toMatch(/^HTTP\/1.1 403/);
    expect(rebound).toContain('E_HOST');
    expect((await get('/api/markets')).status).toBe(200);
  });

  it('answers a malformed websocket upgrade with 400 and keeps serving', async () => {
    srv = await startTestServer({ dbPath });
    const reply = await rawRequest(
      srv.server.port,
      'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await get('/health')).status).toBe(200);
  });

  it('sends CORS headers to allowed origins, refuses others, and requires the token when one is set', async () => {
    srv = await startTestServer({ dbPath, corsOrigins: ['https://board.example'], http: { token: 't0k' } });
    const auth = { Authorization: 'Bearer t0k' };
    const allowed = await get('/health', { ...auth, Origin: 'https://board.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://board.example');

    const preflight = await fetch(srv.httpUrl + '/api/markets', {
      method: 'OPTIONS',
      headers: { Origin: 'https://board.example', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization');

    const other = await get('/health', { ...auth, Origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await get('/api/markets')).status).toBe(401);
    expect((await get('/api/markets?token=t0k')).status).toBe(200);
  });
});

describe('GET /snapshot.sqlite', () => {
  it('downloads a copy that sql.js opens, with the row counts of the live database, one export at a time', async () => {
    srv = await startTestServer({ dbPath });
    // The writer keeps the file locked until released, so an export that starts waits for it
    // (SQLite's busy wait) rather than racing the test to the finish.
    db.pragma('locking_mode = EXCLUSIVE');
    writeEvents(
      db,
      Array.from(
        { length: 2000 },
        (_, i): RecordedEvent => ({
          seq: i + 1,
          kind: 'trade',
          exchange: 'binance-usdm',
          symbol: 'BTCUSDT',
          market: BTC,
          ts: 1000 + i,
          local_ts: 1000 + i,
          id: null,
          price: '65000.1',
          qty: '0.002',
          side: 'sell',
        }),
      ),
    );
    const counts = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

    // Whichever request arrives first holds the one export slot while the file is locked; the other is refused.
    const requests = [get('/snapshot.sqlite'), get('/snapshot.sqlite')];
    const busy = await Promise.race(requests);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    db.pragma('locking_mode = NORMAL');
    counts('trades'); // the next access drops the exclusive lock
    const done = (await Promise.all(requests)).find((r) => r !== busy)!;
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toBe('application/vnd.sqlite3');
    const bytes = new Uint8Array(await done.arrayBuffer());

    const SQL = await initSqlJs();
    const copy = new SQL.Database(bytes);
    const n = (table: string) => copy.exec(`SELECT count(*) FROM ${table}`)[0].values[0][0];
    expect(n('trades')).toBe(counts('trades'));
    expect(n('markets')).toBe(counts('markets'));
    expect(copy.exec('PRAGMA journal_mode')[0].values[0][0]).toBe('delete');
    expect(copy.exec('SELECT price FROM trades WHERE local_ts = 2999')[0].values[0][0]).toBe('65000.1');
    copy.close();

    const filtered = await get('/snapshot.sqlite?from=1500&to=1600');
    const part = new SQL.Database(new Uint8Array(await filtered.arrayBuffer()));
    expect(part.exec('SELECT count(*), min(local_ts), max(local_ts) FROM trades')[0].values[0]).toEqual([
      100, 1500, 1599,
    ]);
    part.close();
    expect((await get('/snapshot.sqlite?from=later')).status).toBe(400);
    // Temporary copies (made beside the database) are gone once served.
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.futuresboard-snapshot-'))).toEqual([]);
  });
});
