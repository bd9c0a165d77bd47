/**
 * Relay benchmark: N websocket clients on loopback (in a child process, so their CPU is not the
 * relay's), each following trades and tickers of one of 10 markets, while events are published
 * in 50 ms batches (the writer's commit cadence). The same batches also go through a bare `ws`
 * broadcast loop that only serializes once per market and sends: the ratio is what
 * subscriptions, latest-state memory and the slow-client policy cost. Segments run relay, bare,
 * bare, relay so that drift in the machine's load hits both alike.
 * Targets: p99 <= 50 ms; relay/bare <= 1.5 for CPU per event and for p99.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RecordedEvent } from '../core/events.ts';
import { silentLogger } from '../core/log.ts';
import { defaultConfig } from '../collector/config.ts';
import { startDaemonServer } from '../collector/relay/server.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import { NOTHING_RECORDED, type HealthInput } from '../collector/relay/health.ts';
import type { ClientCommand, ClientReply } from './relay-bench-clients.ts';

export interface RelayBenchOptions {
  clients?: number;
  eventsPerSec?: number;
  seconds?: number;
}

interface Measured {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuUsPerEvent: number;
  messages: number;
  publishedMessages: number;
}

export const BATCH_MS = 50;
export const WARMUP_MS = 1000;
export const MARKETS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB', 'ADA', 'AVAX', 'LINK', 'TON'].map(
  (b) => `${b}/USDT:USDT`,
);
const P99_TARGET_MS = 50;
const RATIO_TARGET = 1.5;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** One batch: mostly trades, one in five a book ticker, spread over the markets. */
function makeBatch(size: number, firstSeq: number): RecordedEvent[] {
  const ts = nowUs();
  const localTs = Date.now();
  const events: RecordedEvent[] = [];
  for (let i = 0; i < size; i++) {
    const seq = firstSeq + i;
    const market = MARKETS[i % MARKETS.length];
    const symbol = market.split('/')[0] + 'USDT';
    // `ts` carries the publish time in µs: the clients measure delivery latency from it.
    events.push(
      i % 5 === 4
        ? {
            seq,
            kind: 'book_ticker',
            exchange: 'binance-usdm',
            symbol,
            market,
            ts,
            local_ts: localTs,
            bid_price: '65000.10',
            bid_qty: '1.204',
            ask_price: '65000.20',
            ask_qty: '0.350',
          }
        : {
            seq,
            kind: 'trade',
            exchange: 'binance-usdm',
            symbol,
            market,
            ts,
            local_ts: localTs,
            id: String(seq),
            price: '65000.10',
            qty: '0.012',
            side: seq % 2 ? 'buy' : 'sell',
          },
    );
  }
  return events;
}

/** The websocket clients (bench/relay-bench-clients.ts) in a child process, driven over IPC. */
export class ClientsProcess {
  private readonly child: ChildProcess;
  private pending: ((r: ClientReply) => void) | null = null;

  constructor() {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    this.child = fork(new URL('./relay-bench-clients.ts', import.meta.url), [], { execArgv: ['--import', tsx] });
    this.child.on('message', (r: ClientReply) => this.pending?.(r));
  }

  async ask(cmd: ClientCommand): Promise<ClientReply> {
    const reply = new Promise<ClientReply>((resolve) => (this.pending = resolve));
    this.child.send(cmd);
    const r = await reply;
    if (r.reply === 'failed') throw new Error(`bench clients: ${r.message}`);
    return r;
  }

  tell(cmd: ClientCommand): void {
    this.child.send(cmd);
  }

  stop(): void {
    this.child.kill();
  }
}

type Mode = 'relay' | 'bare';

interface Segment {
  cpuUs: number;
  events: number;
  /** Messages the server published to clients while measuring (batches x clients). */
  messages: number;
}

/**
 * Publish batches on the commit cadence: a warm-up, then `seconds` measured under `label`.
 * Returns the publishing process's CPU time over the measured part. `clients` may stand for
 * several client processes (the scale-out benchmark's relay nodes each have their own).
 */
export async function drive(
  publish: (batch: RecordedEvent[]) => void,
  clients: Pick<ClientsProcess, 'tell'>,
  label: string,
  n: number,
  eventsPerSec: number,
  seconds: number,
): Promise<Segment> {
  const batchSize = Math.max(1, Math.round((eventsPerSec * BATCH_MS) / 1000));
  const start = performance.now();
  const warmBatches = WARMUP_MS / BATCH_MS;
  const totalBatches = warmBatches + Math.round((seconds * 1000) / BATCH_MS);
  let seq = 1;
  let cpuStart: NodeJS.CpuUsage | null = null;
  for (let k = 0; k < totalBatches; k++) {
    // Fixed schedule from the start time, so a late batch does not shift the rest.
    const wait = start + k * BATCH_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (k === warmBatches) {
      clients.tell({ cmd: 'measure', label });
      cpuStart = process.cpuUsage();
    }
    publish(makeBatch(batchSize, seq));
    seq += batchSize;
  }
  const cpu = process.cpuUsage(cpuStart!);
  // Let the last batch arrive before the clients stop recording.
  await new Promise((resolve) => setTimeout(resolve, 200));
  clients.tell({ cmd: 'pause' });
  const measured = totalBatches - warmBatches;
  return { cpuUs: cpu.user + cpu.system, events: measured * batchSize, messages: measured * n };
}

async function segmentRelay(
  clients: ClientsProcess,
  n: number,
  eventsPerSec: number,
  seconds: number,
): Promise<Segment> {
  const config = defaultConfig();
  const telemetry = createTelemetry();
  const startedAt = Date.now();
  const healthInput = (): HealthInput => ({
    now: Date.now(),
    startedAt,
    version: 'bench',
    ...NOTHING_RECORDED,
  });
  const server = await startDaemonServer({
    http: { ...config.http, port: 0 },
    healthThresholds: config.health,
    telemetry,
    logger: silentLogger,
    version: 'bench',
    dbPath: ':memory:',
    healthInput,
    tuning: { maxClients: n + 10 },
  });
  try {
    await clients.ask({
      cmd: 'connect',
      url: `ws://127.0.0.1:${server.port}/`,
      clients: n,
      markets: MARKETS,
      subscribe: true,
    });
    const segment = await drive(
      (batch) => server.relay.publishEvents(batch),
      clients,
      'relay',
      n,
      eventsPerSec,
      seconds,
    );
    await clients.ask({ cmd: 'disconnect' });
    return segment;
  } finally {
    await server.close();
    telemetry.stop();
  }
}

/** The baseline: per batch, one payload per market in the relay's format, sent to that market's clients. */
async function segmentBare(
  clients: ClientsProcess,
  n: number,
  eventsPerSec: number,
  seconds: number,
): Promise<Segment> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const byMarket = new Map<string, Set<WebSocket>>(MARKETS.map((m) => [m, new Set()]));
  wss.on('connection', (ws, req) => {
    const market = new URL(req.url ?? '/', 'http://localhost').searchParams.get('market') ?? '';
    byMarket.get(market)?.add(ws);
    ws.on('close', () => byMarket.get(market)?.delete(ws));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  const broadcast = (batch: RecordedEvent[]) => {
    const parts = new Map<string, { trades: string[]; tickers: string[] }>();
    for (const e of batch) {
      let p = parts.get(e.market);
      if (!p) parts.set(e.market, (p = { trades: [], tickers: [] }));
      (e.kind === 'trade' ? p.trades : p.tickers).push(JSON.stringify(e));
    }
    for (const [market, p] of parts) {
      const payload = Buffer.from(
        `{"type":"update","channels":{"trades":[${p.trades.join(',')}],"tickers":[${p.tickers.join(',')}]}}`,
      );
      for (const ws of byMarket.get(market) ?? []) ws.send(payload, { binary: false });
    }
  };
  try {
    await clients.ask({
      cmd: 'connect',
      url: `ws://127.0.0.1:${port}/`,
      clients: n,
      markets: MARKETS,
      subscribe: false,
    });
    const segment = await drive(broadcast, clients, 'bare', n, eventsPerSec, seconds);
    await clients.ask({ cmd: 'disconnect' });
    return segment;
  } finally {
    wss.close();
    await new Promise((resolve) => http.close(resolve));
  }
}

const f = (x: number, digits = 2) => x.toFixed(digits).padStart(11);

export async function runRelayBench(opts: RelayBenchOptions = {}): Promise<{ lines: string[] }> {
  const n = opts.clients ?? 1000;
  const eventsPerSec = opts.eventsPerSec ?? 5000;
  const seconds = opts.seconds ?? 5;
  const clients = new ClientsProcess();
  try {
    // Half the time in each of two segments per mode.
    const totals = { relay: { cpuUs: 0, events: 0, messages: 0 }, bare: { cpuUs: 0, events: 0, messages: 0 } };
    for (const mode of ['relay', 'bare', 'bare', 'relay'] as const) {
      const segment = await (mode === 'relay' ? segmentRelay : segmentBare)(clients, n, eventsPerSec, seconds / 2);
      totals[mode].cpuUs += segment.cpuUs;
      totals[mode].events += segment.events;
      totals[mode].messages += segment.messages;
    }
    const measure = async (mode: Mode): Promise<Measured> => {
      const r = await clients.ask({ cmd: 'report', label: mode });
      if (r.reply !== 'report') throw new Error(`bench clients: unexpected reply ${r.reply}`);
      const t = totals[mode];
      return {
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        maxMs: r.maxMs,
        cpuUsPerEvent: t.cpuUs / t.events,
        messages: r.messages,
        publishedMessages: t.messages,
      };
    };
    const relay = await measure('relay');
    const bare = await measure('bare');
    const p99Ratio = relay.p99Ms / bare.p99Ms;
    const cpuRatio = relay.cpuUsPerEvent / bare.cpuUsPerEvent;
    const p99Ok = relay.p99Ms <= P99_TARGET_MS;
    const ratioOk = cpuRatio <= RATIO_TARGET && p99Ratio <= RATIO_TARGET;
    const row = (name: string, m: Measured) =>
      `${name.padEnd(20)}${f(m.p50Ms)}${f(m.p99Ms)}${f(m.maxMs, 1)}${f(m.cpuUsPerEvent)}   ${m.messages}/${m.publishedMessages}`;
    return {
      lines: [
        `relay: ${n} clients on loopback (trades+tickers of one of ${MARKETS.length} markets each), ${eventsPerSec} events/s in ${BATCH_MS} ms batches, ` +
          `${seconds} s measured per mode (relay, bare, bare, relay; ${WARMUP_MS} ms warm-up each)`,
        `${''.padEnd(20)}${['p50 ms', 'p99 ms', 'max ms', 'cpu µs/ev'].map((h) => h.padStart(11)).join('')}   messages received/published`,
        row('futuresboard relay', relay),
        row('bare ws broadcast', bare),
        `${'relay / bare'.padEnd(20)}${f(relay.p50Ms / bare.p50Ms)}${f(p99Ratio)}${''.padStart(11)}${f(cpuRatio)}`,
        `relay: p99 ${relay.p99Ms.toFixed(2)} ms (target <= ${P99_TARGET_MS}) ${p99Ok ? 'PASS' : 'FAIL'}; ` +
          `relay/bare: cpu per event ${cpuRatio.toFixed(2)}, p99 ${p99Ratio.toFixed(2)} (target <= ${RATIO_TARGET}) ${ratioOk ? 'PASS' : 'FAIL'}`,
      ],
    };
  } finally {
    clients.stop();
  }
}
