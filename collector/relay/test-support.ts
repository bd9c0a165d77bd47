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
import type { RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { migrate } from '../../core/migrations.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { defaultConfig } from '../config.ts';
import { loadMigrations } from '../store/migrations.ts';
import { createTelemetry, type Telemetry } from '../telemetry.ts';
import type { HealthInput } from './health.ts';
import type { Relay } from './relay.ts';
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

export function trade(
  market: string,
  price: string,
  localTs = 1_767_225_600_000,
  exchange: RecordedEvent['exchange'] = 'binance-usdm',
): RecordedEvent {
  seq += 1;
  return {
    seq,
    kind: 'trade',
    exchange,
    symbol: market.split('/')[0] + 'USDT',
    market,
    ts: localTs,
    local_ts: localTs,
    id: String(seq),
    price,
    qty: '0.010',
    side: 'buy',
  };
}

export function bookTicker(
  market: string,
  bid: string,
  exchange: RecordedEvent['exchange'] = 'binance-usdm',
): RecordedEvent {
  seq += 1;
  const t = 1_767_225_600_000 + seq;
  return {
    seq,
    kind: 'book_ticker',
    exchange,
    symbol: market.split('/')[0] + 'USDT',
    market,
    ts: t,
    local_ts: t,
    bid_price: bid,
    bid_qty: '1.5',
    ask_price: bid + '1',
    ask_qty: '2',
  };
}

export function healthyInput(now = 1_767_225_600_000): HealthInput {
  return {
    now,
    startedAt: now - 120_000,
    version: '0.1.0-test',
    feeds: [
      {
        exchange: 'binance-usdm',
        stream: 'market',
        connection: 'binance-usdm/market/0',
        state: 'open',
        lastDataAt: now - 100,
        reconnects: 0,
        lastError: null,
      },
      {
        exchange: 'bybit-linear',
        stream: 'linear',
        connection: 'bybit-linear/linear/0',
        state: 'open',
        lastDataAt: now - 200,
        reconnects: 1,
        lastError: null,
      },
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

export type TestServerOptions = Partial<Omit<DaemonServerOptions, 'http'>> & {
  http?: Partial<DaemonServerOptions['http']>;
};

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
    // Health is pushed once, at start: a timer push would land at random among the exact message
    // sequences the tests expect. Tests that follow the pushes set their own period.
    healthPublishMs: 3_600_000,
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

/** Longer than any test: the relay's own heartbeat timer never fires, the test runs the rounds. */
export const MANUAL_HEARTBEAT = { heartbeatMs: 3_600_000 };

/**
 * One heartbeat round run by the test (see MANUAL_HEARTBEAT): the relay terminates the clients
 * that missed the previous ping and pings the others. Resolves once each of `live` has answered:
 * `ws` writes its automatic pong before it reports the ping, so the reply to a protocol ping sent
 * then proves the pong reached the relay first (one TCP stream keeps the order). Messages the
 * live clients receive meanwhile are skipped.
 */
export async function heartbeatRound(relay: Relay, live: readonly TestClient[]): Promise<void> {
  const pinged = live.map((c) => new Promise<void>((resolve) => c.ws.once('ping', () => resolve())));
  relay.heartbeat();
  await Promise.all(
    live.map(async (c, i) => {
      await pinged[i];
      c.send({ op: 'ping', id: 'heartbeat' });
      await c.nextOf('pong');
    }),
  );
}

/**
 * The server side of every connection the relay accepts from now on, in order, so a test can
 * watch what the relay queues for a client (`bufferedAmount`) and when it has read a message.
 */
export function serverSockets(relay: Relay): WebSocket[] {
  const sockets: WebSocket[] = [];
  const accept = relay.accept.bind(relay);
  relay.accept = (ws) => {
    sockets.push(ws);
    accept(ws);
  };
  return sockets;
}

// Messages are JSON objects of the relay protocol; tests read their fields freely.
export type Msg = Record<string, any>;

/**
 * A websocket client whose messages can be awaited one by one, in arrival order. Waiting has no
 * deadline of its own (a loaded machine may be slow): it ends with the next message, or with an
 * error once the connection has closed with nothing left to read; vitest's timeout catches a hang.
 */
export class TestClient {
  readonly ws: WebSocket;
  private readonly queue: Msg[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()));
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.ended = true;
        this.wake?.();
        resolve({ code, reason: reason.toString() });
      }),
    );
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

  /** The next message; rejects when the connection closed before one came. */
  async next(): Promise<Msg> {
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('the connection closed with no message left to read');
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.queue.shift()!;
  }

  /** Skip messages until one of `type` arrives. */
  async nextOf(type: string): Promise<Msg> {
    for (;;) {
      const msg = await this.next();
      if (msg.type === type) return msg;
    }
  }

  /** Stop reading the socket, as a stalled peer does: the kernel buffers fill, then the relay's. */
  pauseReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.ws.close();
  }
}
