/**
 * `startSimulator`: one node:http server on 127.0.0.1 serving the Binance USDⓈ-M, Bybit v5
 * linear and OKX v5 public websocket and REST endpoints on their real paths (which do not
 * collide), plus the control endpoint `POST /_sim/fault` and `GET /_sim/state`.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EXCHANGES, type ExchangeId } from '../core/events.ts';
import { silentLogger, type Clock, type Logger } from '../core/log.ts';
import type { ExchangeEndpoints } from '../core/endpoints.ts';
import { binanceRest, isBinanceRest } from './binance/rest.ts';
import { BinanceConnection, checkBinancePath, parseBinancePath } from './binance/ws.ts';
import { bybitRest, isBybitRest } from './bybit/rest.ts';
import { BYBIT_PATH, BybitConnection } from './bybit/ws.ts';
import { createCaptureSource } from './capture/source.ts';
import type { SimConnection } from './connection.ts';
import { FaultState, newCounters, type ServerContext } from './context.ts';
import { parseFaultSpec, type FaultName, type FaultSpec } from './faults.ts';
import { readBody, respond } from './http/respond.ts';
import { Hub } from './hub.ts';
import { isOkxRest, okxRest } from './okx/rest.ts';
import { OKX_PATH, OkxConnection } from './okx/ws.ts';
import { resolveLimits, type LimitOverrides } from './options.ts';
import type { FrameSource } from './source.ts';
import { Rng } from './synthetic/rng.ts';
import { createSyntheticSource } from './synthetic/source.ts';
import { FbError, hasErrorCode } from '../core/errors.ts';

export interface SimulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (0 = any free port; default 0). */
  port?: number;
  /** `synthetic` (default): generated markets; `capture`: recorded sessions looped. */
  source?: 'synthetic' | 'capture';
  /** Synthetic base assets, e.g. ["BTC","ETH","SOL"] (default) or ["DOGE=0.15"]. */
  markets?: string[];
  /** Synthetic frames per second across everything (default 300). */
  eventsPerSecond?: number;
  /** Synthetic seed (default 1). */
  seed?: number;
  /** Synthetic time between liquidation bursts, [min, max] ms (default 20–60 s). */
  liquidationEveryMs?: [number, number];
  /** Capture files to replay (default: ../shared/captures and the sample frames). */
  captureFiles?: string[];
  /** Protocol limits and timers (24 h lifetime, ping intervals, rate limits…). */
  limits?: LimitOverrides;
  /** Inject a random fault every `everyMs`, from `faults` (default: the websocket faults). */
  faultEvery?: { everyMs: number; faults?: FaultName[] };
  logger?: Logger;
  clock?: Clock;
}

export interface FaultResult {
  applied: FaultSpec;
  /** Connections the fault acted on (drop, rollover, malformed, oversized). */
  connections: number;
}

export interface Simulator {
  readonly host: string;
  readonly port: number;
  readonly endpoints: Record<ExchangeId, ExchangeEndpoints>;
  /** Apply a fault switch (same JSON as POST /_sim/fault); throws E_SIM_FAULT when malformed. */
  fault(spec: FaultSpec): FaultResult;
  /** Counters and settings (same JSON as GET /_sim/state). */
  stats(): Record<string, unknown>;
  close(): Promise<void>;
}

const CONTROL_BODY_MAX = 64 * 1024;
const DEFAULT_RANDOM_FAULTS: FaultName[] = ['drop', 'stall', 'malformed', 'skip-seq', 'duplicate-seq', 'rollover'];

function checkOptions(o: SimulatorOptions): void {
  const bad = (name: string, rule: string, got: unknown) =>
    new FbError('E_SIM_OPTION', `${name} must be ${rule}, got ${JSON.stringify(got)}`);
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535))
    throw bad('port', 'an integer from 0 to 65535', o.port);
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === ''))
    throw bad('host', 'an interface address such as 127.0.0.1', o.host);
  if (o.source !== undefined && o.source !== 'synthetic' && o.source !== 'capture')
    throw bad('source', '"synthetic" or "capture"', o.source);
  if (
    o.eventsPerSecond !== undefined &&
    !(Number.isFinite(o.eventsPerSecond) && o.eventsPerSecond > 0 && o.eventsPerSecond <= 10_000_000)
  )
    throw bad('eventsPerSecond', 'a number above 0 (at most 10,000,000)', o.eventsPerSecond);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw bad('seed', 'an integer', o.seed);
  const l = o.liquidationEveryMs;
  if (l !== undefined && !(Array.isArray(l) && l.length === 2 && l[0] > 0 && l[1] >= l[0]))
    throw bad('liquidationEveryMs', '[min, max] ms with 0 < min <= max', l);
  const f = o.faultEvery;
  if (f !== undefined && !(Number.isInteger(f.everyMs) && f.everyMs > 0))
    throw bad('faultEvery.everyMs', 'a positive integer of ms', f.everyMs);
}

/** The three exchanges' endpoints on a simulator reached at `host:port` (or any name standing for it). */
export function simulatorEndpoints(base: string): Record<ExchangeId, ExchangeEndpoints> {
  return {
    'binance-usdm': { ws: { public: `ws://${base}/public`, market: `ws://${base}/market` }, rest: `http://${base}` },
    'bybit-linear': { ws: { linear: `ws://${base}${BYBIT_PATH}` }, rest: `http://${base}` },
    'okx-swap': { ws: { public: `ws://${base}${OKX_PATH}` }, rest: `http://${base}` },
  };
}

function reject(socket: Duplex, status: number, message: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(opts);
  const limits = resolveLimits(opts.limits);
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const source: FrameSource =
    opts.source === 'capture'
      ? createCaptureSource({ files: opts.captureFiles, clock })
      : createSyntheticSource({
          eventsPerSecond: opts.eventsPerSecond ?? 300,
          seed: opts.seed,
          markets: opts.markets,
          liquidationEveryMs: opts.liquidationEveryMs,
          binanceWeightLimit: limits.binance.restWeightPerMinute,
          clock,
        });
  const hub = new Hub();
  const ctx: ServerContext = { limits, hub, source, clock, logger, faults: new FaultState(), counters: newCounters() };
  const conns = new Map<ExchangeId, Set<SimConnection>>(EXCHANGES.map((ex) => [ex, new Set()]));
  const injected: Partial<Record<FaultName, number>> = {};
  let lastFault: FaultSpec | null = null;
  const startedAt = clock();

  const rest = { binance: binanceRest(ctx), bybit: bybitRest(ctx), okx: okxRest(ctx) };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
  /** OKX refuses more than N new connections per second per IP. */
  const okxConnects = new Map<string, number[]>();

  const onClosed = (c: SimConnection) => conns.get(c.exchange)!.delete(c);
  const accept = (
    exchange: ExchangeId,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    make: (ws: WebSocket) => SimConnection,
  ) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.counters[exchange].connectionsOpened++;
      conns.get(exchange)!.add(make(ws));
    });
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: Error) => {
      logger.error({ err: err.message }, 'simulator request failed');
      if (!res.headersSent)
        respond(res, 500, JSON.stringify({ error: { code: 'E_SIM_INTERNAL', message: err.message } }));
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://simulator');
    const ip = req.socket.remoteAddress ?? '';
    if (url.pathname === OKX_PATH) {
      const now = clock();
      const recent = (okxConnects.get(ip) ?? []).filter((t) => t > now - 1000);
      if (recent.length >= limits.okx.connectionsPerSecond) {
        ctx.counters['okx-swap'].connectionsRefused++;
        return reject(socket, 429, 'Too Many Requests');
      }
      recent.push(now);
      okxConnects.set(ip, recent);
      return accept('okx-swap', req, socket, head, (ws) => new OkxConnection(ws, socket, ctx, onClosed));
    }
    if (url.pathname === BYBIT_PATH)
      return accept('bybit-linear', req, socket, head, (ws) => new BybitConnection(ws, socket, ctx, onClosed));
    const path = parseBinancePath(url.pathname, url.searchParams);
    if (!path) return reject(socket, 404, `no websocket endpoint at ${url.pathname}`);
    const problem = checkBinancePath(path, limits.binance.maxStreams);
    if (problem) {
      ctx.counters['binance-usdm'].connectionsRefused++;
      return reject(socket, 400, problem);
    }
    accept('binance-usdm', req, socket, head, (ws) => new BinanceConnection(ws, socket, ctx, onClosed, path));
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const p = url.pathname;
    if (p === '/_sim/state' && req.method === 'GET') return respond(res, 200, JSON.stringify(stats()));
    if (p === '/_sim/fault' && req.method === 'POST') {
      try {
        const body = await readBody(req, CONTROL_BODY_MAX);
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          throw new FbError('E_SIM_FAULT', 'body must be JSON, e.g. {"exchange":"okx-swap","fault":"stall","ms":3000}');
        }
        return respond(res, 200, JSON.stringify({ ok: true, ...fault(parseFaultSpec(json)) }));
      } catch (err) {
        if (hasErrorCode(err, 'E_SIM_FAULT', 'E_SIM_BODY_TOO_LARGE'))
          return respond(
            res,
            err.code === 'E_SIM_BODY_TOO_LARGE' ? 413 : 400,
            JSON.stringify({ error: { code: err.code, message: err.message } }),
          );
        throw err;
      }
    }
    if (isBinanceRest(p)) return rest.binance(req, res, url);
    if (isBybitRest(p)) return rest.bybit(req, res, url);
    if (isOkxRest(p)) return rest.okx(req, res, url);
    respond(
      res,
      404,
      JSON.stringify({
        error: { code: 'E_SIM_NOT_FOUND', message: `nothing is served at ${p}; see simulator/README.md` },
      }),
    );
  }

  function fault(input: FaultSpec): FaultResult {
    const spec = parseFaultSpec(input);
    const exchanges = spec.exchange === 'all' ? [...EXCHANGES] : [spec.exchange];
    const now = clock();
    let touched = 0;
    for (const ex of exchanges) {
      const open = [...conns.get(ex)!].filter((c) => c.open);
      // frame faults hit one connection (the first with subscriptions): one bad frame, not one per socket
      const target = open.find((c) => c.keys.size > 0) ?? open[0];
      const count = spec.count ?? 1;
      switch (spec.fault) {
        case 'drop':
          open.forEach((c) => c.drop());
          touched += open.length;
          break;
        case 'rollover':
          open.forEach((c) => c.rollover(spec.ms ?? 1000));
          touched += open.length;
          break;
        case 'stall':
          ctx.faults.stall(ex, now + (spec.ms ?? 5000));
          break;
        case 'malformed':
          if (target) for (let i = 0; i < count; i++) target.sendMalformed();
          touched += target ? 1 : 0;
          break;
        case 'oversized':
          target?.sendOversized(spec.bytes ?? 16 << 20);
          touched += target ? 1 : 0;
          break;
        case 'skip-seq':
          source.armSkip(ex, count);
          break;
        case 'duplicate-seq':
          hub.armDuplicate(ex, count);
          break;
        case 'rest-429':
        case 'rest-418': {
          const status = spec.fault === 'rest-429' ? 429 : 418;
          ctx.faults.failRest(ex, {
            status,
            remaining: count,
            retryAfter: spec.retryAfter ?? (status === 429 ? 1 : 10),
          });
          break;
        }
        case 'clear':
          ctx.faults.clear(ex);
          break;
      }
    }
    injected[spec.fault] = (injected[spec.fault] ?? 0) + 1;
    lastFault = spec;
    logger.info({ fault: spec, connections: touched }, 'simulator fault injected');
    return { applied: spec, connections: touched };
  }

  function stats(): Record<string, unknown> {
    const now = clock();
    return {
      source: source.kind,
      startedAt,
      uptimeMs: now - startedAt,
      sourceInfo: source.describe(),
      exchanges: Object.fromEntries(
        EXCHANGES.map((ex) => [
          ex,
          {
            connections: conns.get(ex)!.size,
            subscriptions: hub.count(ex),
            ...ctx.counters[ex],
            stalledUntil: ctx.faults.stalled(ex, now) ? ctx.faults.stalledUntilOf(ex) : null,
            restFault: ctx.faults.restFaultOf(ex),
          },
        ]),
      ),
      faults: { injected, last: lastFault },
    };
  }

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  source.start(hub);

  let faultTimer: NodeJS.Timeout | null = null;
  if (opts.faultEvery) {
    const names = opts.faultEvery.faults ?? DEFAULT_RANDOM_FAULTS;
    const rng = new Rng((opts.seed ?? 1) ^ 0x5eed);
    faultTimer = setInterval(() => {
      fault({ exchange: EXCHANGES[rng.int(0, EXCHANGES.length - 1)], fault: names[rng.int(0, names.length - 1)] });
    }, opts.faultEvery.everyMs);
    faultTimer.unref();
  }

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const base = `${urlHost}:${port}`;
  const endpoints = simulatorEndpoints(base);
  logger.info({ host, port, source: source.kind }, 'simulator listening');

  return {
    host,
    port,
    endpoints,
    fault,
    stats,
    async close() {
      if (faultTimer) clearInterval(faultTimer);
      source.stop();
      for (const set of conns.values()) for (const c of set) c.drop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
