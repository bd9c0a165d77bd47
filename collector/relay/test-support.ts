/**
 * Test helpers for the relay and export tests: a migrated SQLite file, recorded events, a daemon
 * server on port 0 with a mutable health input, and a websocket client that queues messages so
 * tests can await them in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket, { type ClientOptions } from 'ws';
import type { RecordedEvent } from '../../replay/core/events.ts';
import { silentLogger } from '../../replay/core/log.ts';
import { migrate } from '../../replay/core/migrations.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { defaultConfig } from '../config.ts';
import { loadMigrations } from '../store/migrations.ts';
import { createTelemetry, type Telemetry } from '../telemetry.ts';
import type { HealthInput } from './health.ts';
import { startDaemonServer, type DaemonServer, type DaemonServerOptions } from './server.ts';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'futuresboard-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database with the project's schema, in WAL mode like the collector's. */
export function createDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  migrate(wrapNodeDb(db), loadMigrations(), () => 1_767_225_600_000);
  return db;
}

let seq = 0;

export function trade(market: string, price: string, localTs = 1_767_225_600_000, exchange: RecordedEvent['exchange'] = 'binance-usdm'): RecordedEvent {
  seq += 1;
  return { seq, kind: 'trade', exchange, symbol: market.split('/')[0] + 'USDT', market, ts: localTs, local_ts: localTs, id: String(seq), price, qty: '0.010', side: 'buy' };
}

export function bookTicker(market: string, bid: string, exchange: RecordedEvent['exchange'] = 'binance-usdm'): RecordedEvent {
  seq += 1;
  const t = 1_767_225_600_000 + seq;
  return { seq, kind: 'book_ticker', exchange, symbol: market.split('/')[0] + 'USDT', market, ts: t, local_ts: t, bid_price: bid, bid_qty: '1.5', ask_price: bid + '1', ask_qty: '2' };
}

export function healthyInput(now = 1_767_225_600_000): HealthInput {
  return {
    now,
    startedAt: now - 120_000,
    version: '0.1.0-test',
    feeds: [
      { exchange: 'binance-usdm', stream: 'market', connection: 'binance-usdm/market/0', state: 'open', lastDataAt: now - 100, reconnects: 0, lastError: null },
      { exchange: 'bybit-linear', stream: 'linear', connection: 'bybit-linear/linear/0', state: 'open', lastDataAt: now - 200, reconnects: 1, lastError: null },
    ],
    openGaps: 0,
    writerLagMs: 40,
    lastWriteError: null,
    dbBytes: 4096,
    diskFreeBytes: 10 * 1024 ** 3,
    alertDelivery: { pending: 0, failed: 0, lastError: null },
  };
}

export interface TestServer {
  server: DaemonServer;
  telemetry: Telemetry;
  /** Replace to change what /health sees. */
  health: { input: HealthInput };
  url: string;
  httpUrl: string;
  close(): Promise<void>;
}

export type TestServerOptions = Partial<Omit<DaemonServerOptions, 'http'>> & { http?: Partial<DaemonServerOptions['http']> };

export async function startTestServer(over: TestServerOptions = {}): Promise<TestServer> {
  const config = defaultConfig();
  const telemetry = createTelemetry();
  const health = { input: healthyInput() };
  const server = await startDaemonServer({
    healthThresholds: config.health,
    telemetry,
    logger: silentLogger,
    version: '0.1.0-test',
    dbPath: join(tmpdir(), 'futuresboard-no-such.db'),
    healthInput: () => health.input,
    ...over,
    http: { ...config.http, port: 0, ...over.http },
  });
  return {
    server,
    telemetry,
    health,
    url: `ws://127.0.0.1:${server.port}/`,
    httpUrl: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.close();
      telemetry.stop();
    },
  };
}

// Messages are JSON objects of the relay protocol; tests read their fields freely.
export type Msg = Record<string, any>;

/** A websocket client whose messages can be awaited one by one, in arrival order. */
export class TestClient {
  readonly ws: WebSocket;
  private readonly queue: { msg: Msg; at: number }[] = [];
  private wake: (() => void) | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.queue.push({ msg: JSON.parse(data.toString()), at: performance.now() });
      this.wake?.();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Resolves with the HTTP status of a refused handshake. */
  static refusedStatus(url: string, options: ClientOptions = {}): Promise<number> {
    const ws = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => reject(new Error('the handshake was accepted')));
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', () => undefined);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (with its arrival time), waiting up to `timeoutMs`. */
  async nextTimed(timeoutMs = 5000): Promise<{ msg: Msg; at: number }> {
    const deadline = performance.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.shift()!;
  }

  async next(timeoutMs?: number): Promise<Msg> {
    return (await this.nextTimed(timeoutMs)).msg;
  }

  /** Skip messages until one of `type` arrives. */
  async nextOf(type: string, timeoutMs?: number): Promise<Msg> {
    for (;;) {
      const msg = await this.next(timeoutMs);
      if (msg.type === type) return msg;
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.ws.close();
  }
}
