/**
 * Binance USDⓈ-M websocket endpoints: `/public|/market` + `/ws[/<streams>]` or
 * `/stream[?streams=]`, and the legacy unrouted `/ws` and `/stream` (public streams only).
 * Control requests (SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY) are
 * answered by `id` with the real result and nested error bodies; the server pings, cuts a
 * client that sends more than 10 frames a second or stops answering pings, and closes every
 * connection at its 24 h mark (../shared/samples/PROTOCOLS.md §1).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SimConnection } from '../connection.ts';
import type { ServerContext } from '../context.ts';
import { combinedFrame, isValidStreamName, routeOf, type BinanceRoute } from './streams.ts';

export interface BinancePath {
  /** `legacy` = no route prefix: delivers what `/public` delivers. */
  route: BinanceRoute | 'legacy';
  combined: boolean;
  streams: string[];
}

const PATH = /^(?:\/(public|market))?\/(ws|stream)(?:\/(.*))?$/;

/** The Binance endpoint a request path names, or null when the path is not Binance's. */
export function parseBinancePath(pathname: string, query: URLSearchParams): BinancePath | null {
  const m = PATH.exec(pathname);
  if (!m) return null;
  const [, route, mode, rest] = m;
  if (mode === 'stream' && rest !== undefined) return null;
  const raw = mode === 'ws' ? (rest ?? '') : (query.get('streams') ?? '');
  return {
    route: (route as BinanceRoute | undefined) ?? 'legacy',
    combined: mode === 'stream',
    streams: raw.split('/').filter((s) => s !== ''),
  };
}

/** Why a URL's stream list cannot be served, or null. */
export function checkBinancePath(p: BinancePath, maxStreams: number): string | null {
  const bad = p.streams.find((s) => !isValidStreamName(s));
  if (bad !== undefined) return `invalid stream ${JSON.stringify(bad)}`;
  if (p.streams.length > maxStreams) return `too many streams (${p.streams.length} > ${maxStreams})`;
  return null;
}

type Id = number | null;
const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];

export class BinanceConnection extends SimConnection {
  private readonly subs = new Set<string>();
  private combined: boolean;
  private readonly inbound: number[] = [];

  constructor(
    ws: WebSocket,
    socket: Duplex,
    ctx: ServerContext,
    onClosed: (c: SimConnection) => void,
    private readonly path: BinancePath,
  ) {
    super('binance-usdm', ws, socket, ctx, onClosed);
    this.combined = path.combined;
    for (const s of path.streams) this.add(s);
    const lim = ctx.limits.binance;
    ws.on('ping', () => this.countInbound());
    ws.on('pong', () => {
      this.countInbound();
      this.armPongDeadline();
    });
    this.armPongDeadline();
    this.every(lim.pingIntervalMs, () => ws.ping());
    this.after(lim.maxLifetimeMs, () => this.rollover());
  }

  deliver(key: string, text: string): void {
    this.send(this.combined ? combinedFrame(key, text) : text);
  }

  /** The 24 h cut: a normal close; the client is expected to have opened its replacement. */
  rollover(): void {
    this.close(1000);
  }

  /** Binance disconnects a client that has not answered a ping within the pong timeout. */
  private armPongDeadline(): void {
    this.arm('pong', this.ctx.limits.binance.pongTimeoutMs, () => {
      this.ctx.logger.info({ exchange: this.exchange }, 'simulator: no pong, disconnecting');
      this.ws.terminate();
    });
  }

  /** Count one incoming frame; above the per-second limit the connection is closed. */
  private countInbound(): boolean {
    const now = this.ctx.clock();
    this.inbound.push(now);
    while (this.inbound.length && this.inbound[0] <= now - 1000) this.inbound.shift();
    if (this.inbound.length > this.ctx.limits.binance.maxMessagesPerSecond) {
      this.ctx.logger.info({ exchange: this.exchange }, 'simulator: too many incoming messages, disconnecting');
      this.close(1008, 'Too many requests');
      return false;
    }
    return true;
  }

  private add(stream: string): void {
    if (this.subs.has(stream)) return;
    this.subs.add(stream);
    const route = this.path.route === 'legacy' ? 'public' : this.path.route;
    // a stream on the wrong route is accepted and silently never delivered
    if (routeOf(stream) !== route) return;
    const start = this.ctx.source.onSubscribe(this.exchange, stream, this.ctx.clock());
    this.subscribeKey(stream, start.awaitSnapshot);
    if (start.initial !== null) this.deliver(stream, start.initial);
  }

  private remove(stream: string): void {
    this.subs.delete(stream);
    if (this.keys.has(stream)) this.unsubscribeKey(stream);
  }

  private reply(id: Id, result: unknown): void {
    this.send('{"result":' + JSON.stringify(result) + ',"id":' + JSON.stringify(id) + '}');
  }

  private error(id: Id, code: number, msg: string): void {
    this.send('{"error":{"code":' + code + ',"msg":' + JSON.stringify(msg) + '},"id":' + JSON.stringify(id) + '}');
  }

  protected onMessage(text: string): void {
    if (!this.countInbound()) return;
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      return this.error(null, 3, 'Invalid JSON: expected value at line 1 column 1');
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req))
      return this.error(null, 2, 'Invalid request: request must be a JSON object');
    const r = req as Record<string, unknown>;
    const id = r.id ?? null;
    if (id !== null && !(typeof id === 'number' && Number.isInteger(id) && id >= 0))
      return this.error(null, 2, 'Invalid request: request ID must be an unsigned integer');
    const reqId = id as Id;
    if (r.method === undefined)
      return this.error(reqId, 2, `Invalid request: missing field \`method\` at line 1 column ${text.length}`);
    if (typeof r.method !== 'string' || !METHODS.includes(r.method)) {
      const shown = typeof r.method === 'string' ? r.method : JSON.stringify(r.method);
      const at = text.indexOf('"method"');
      const column =
        at < 0 ? text.length : text.indexOf(JSON.stringify(r.method), at) + JSON.stringify(r.method).length;
      return this.error(
        reqId,
        2,
        `Invalid request: unknown variant \`${shown}\`, expected one of ${METHODS.map((m) => `\`${m}\``).join(', ')} at line 1 column ${column}`,
      );
    }
    const params = r.params;
    switch (r.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (!Array.isArray(params) || params.some((p) => typeof p !== 'string' || !isValidStreamName(p)))
          return this.error(reqId, 2, 'Invalid request: invalid stream');
        if (r.method === 'UNSUBSCRIBE') {
          for (const s of params as string[]) this.remove(s);
          return this.reply(reqId, null);
        }
        const fresh = new Set((params as string[]).filter((s) => !this.subs.has(s)));
        if (this.subs.size + fresh.size > this.ctx.limits.binance.maxStreams)
          return this.error(
            reqId,
            2,
            `Invalid request: too many streams (limit ${this.ctx.limits.binance.maxStreams} per connection)`,
          );
        // the ack goes out first, then data: clients match the reply by id before frames flow
        this.reply(reqId, null);
        for (const s of fresh) this.add(s);
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        return this.reply(reqId, [...this.subs]);
      case 'SET_PROPERTY': {
        if (!Array.isArray(params) || params.length === 0)
          return this.error(reqId, 2, 'Invalid request: property name must be a string');
        if (params.length > 2) return this.error(reqId, 2, 'Invalid request: too many parameters');
        if (typeof params[0] !== 'string')
          return this.error(reqId, 2, 'Invalid request: property name must be a string');
        if (params[0] !== 'combined') return this.error(reqId, 0, 'Unknown property');
        if (typeof params[1] !== 'boolean') return this.error(reqId, 1, 'Invalid value type: expected Boolean');
        this.combined = params[1];
        return this.reply(reqId, null);
      }
      case 'GET_PROPERTY': {
        if (!Array.isArray(params) || typeof params[0] !== 'string')
          return this.error(reqId, 2, 'Invalid request: property name must be a string');
        if (params.length > 1) return this.error(reqId, 2, 'Invalid request: too many parameters');
        if (params[0] !== 'combined') return this.error(reqId, 0, 'Unknown property');
        return this.reply(reqId, this.combined);
      }
    }
  }
}
