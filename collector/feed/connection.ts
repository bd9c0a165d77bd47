/**
 * One reconnecting websocket feed: subscribe on open, keep it alive per the exchange's rules,
 * declare it stale when data stops, reconnect with backoff, replace it before its maximum
 * lifetime (Binance's 24 h disconnect), and turn every interval of lost data into a gap event
 * emitted just before the first event after recovery (so both land in one transaction).
 */
import WebSocket from 'ws';
import type { ExchangeId, GapCause, MarketEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import { parseError, type ConnectionSpec, type ExchangeParser, type FrameResult } from '../exchanges/types.ts';
import type { Telemetry } from '../telemetry.ts';
import { Backoff } from './backoff.ts';
import { GapGate } from './gap-gate.ts';
import type { RawRecorder } from './raw-recorder.ts';

export type FeedStateName = 'connecting' | 'open' | 'stale' | 'backoff' | 'closed';

export interface FeedState {
  exchange: ExchangeId;
  stream: string;
  connection: string;
  state: FeedStateName;
  lastDataAt: number | null;
  reconnects: number;
  lastError: string | null;
}

export interface FeedDeps {
  exchange: ExchangeId;
  createParser: () => ExchangeParser;
  sink: (event: MarketEvent, stream: string) => void;
  logger: Logger;
  telemetry: Telemetry;
  backoff: { baseMs: number; capMs: number };
  now?: () => number;
  random?: () => number;
  raw?: RawRecorder | null;
  /** Largest frame accepted; a larger one closes the connection (counted, then reconnect). */
  maxFrameBytes?: number;
}

/** Spacing of subscribe frames: Binance disconnects above 10 incoming messages per second. */
const SUBSCRIBE_SPACING_MS = 120;
/** How long after a handover the new connection's events are checked against the old one's. */
const HANDOVER_DEDUP_MS = 2000;

/** What makes two events from two connections the same event. */
function handoverKey(e: MarketEvent): string {
  const id = 'id' in e ? e.id : '';
  const price = 'price' in e ? e.price : 'bid_price' in e ? e.bid_price : '';
  const qty = 'qty' in e ? e.qty : 'ask_price' in e ? e.ask_price : '';
  return `${e.kind}|${e.symbol}|${e.ts}|${id}|${price}|${qty}`;
}

/** Log the first few parse errors of a connection, then one in this many. */
const PARSE_LOG_EVERY = 1000;

interface Session {
  ws: WebSocket;
  parser: ExchangeParser;
  openedAt: number | null;
  timers: ReturnType<typeof setTimeout>[];
  gotData: boolean;
  /** Subscriptions the exchange acknowledged. */
  acks: number;
}

export class FeedConnection {
  private current: Session | null = null;
  private replacement: Session | null = null;
  /** 'connecting' from construction: a connection waiting for its start slot is about to connect. */
  private state: FeedStateName = 'connecting';
  private lastDataAt: number | null = null;
  private reconnects = 0;
  private lastError: string | null = null;
  private stopping = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private staleTimer: ReturnType<typeof setInterval> | null = null;
  private readonly gaps: GapGate;
  /** Events the old connection delivered while a replacement warmed up, to drop repeats. */
  private readonly handoverSeen = new Set<string>();
  private handoverUntil = 0;
  private parseErrors = 0;
  private readonly backoff: Backoff;
  private readonly now: () => number;

  constructor(
    readonly spec: ConnectionSpec,
    private readonly deps: FeedDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.backoff = new Backoff(deps.backoff.baseMs, deps.backoff.capMs, deps.random);
    this.gaps = new GapGate(deps.exchange, spec.stream, deps.sink, (cause) =>
      deps.telemetry.gaps.inc({ exchange: deps.exchange, cause }),
    );
  }

  get exchange(): ExchangeId {
    return this.deps.exchange;
  }

  start(): void {
    this.stopping = false;
    this.current = this.open();
    this.staleTimer = setInterval(() => this.checkStale(), Math.max(100, Math.floor(this.spec.staleMs / 4)));
  }

  /**
   * Let this connection's parser see a REST body (state only; its events are recorded by the
   * poller): Binance merges polled open interest into the streamed derivative ticker.
   */
  observeRest(url: string, body: string, localTs: number): void {
    try {
      for (const s of [this.current, this.replacement]) s?.parser.parseRest(url, body, localTs, () => {});
    } catch {
      // The poller already counted and logged a malformed body.
    }
  }

  status(): FeedState {
    return {
      exchange: this.deps.exchange,
      stream: this.spec.stream,
      connection: this.spec.id,
      state: this.state,
      lastDataAt: this.lastDataAt,
      reconnects: this.reconnects,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.staleTimer) clearInterval(this.staleTimer);
    const sessions = [this.current, this.replacement].filter((s): s is Session => s !== null);
    this.current = this.replacement = null;
    await Promise.all(sessions.map((s) => this.closeSession(s, 1000, 'collector stopping')));
    this.state = 'closed';
  }

  private open(): Session {
    const { url } = this.spec;
    this.state = 'connecting';
    const ws = new WebSocket(url, {
      maxPayload: this.deps.maxFrameBytes ?? 8 * 1024 * 1024,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
    });
    const session: Session = {
      ws,
      parser: this.deps.createParser(),
      openedAt: null,
      timers: [],
      gotData: false,
      acks: 0,
    };
    ws.on('open', () => this.onOpen(session));
    ws.on('message', (data, isBinary) => this.onMessage(session, data as Buffer, isBinary));
    ws.on('error', (err) => {
      this.lastError = err.message;
      if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        this.deps.telemetry.oversized.inc({ exchange: this.deps.exchange });
      this.deps.logger.warn({ conn: this.spec.id, err: err.message }, 'feed connection error');
    });
    ws.on('close', (code, reason) => this.onClose(session, code, reason.toString()));
    return session;
  }

  private onOpen(session: Session): void {
    session.openedAt = this.now();
    if (session === this.current) {
      this.state = 'open';
      this.deps.raw?.connect(this.spec.id, this.spec.url, session.openedAt);
    }
    this.deps.logger.info({ conn: this.spec.id, url: this.spec.url }, 'feed connected');
    this.spec.subscribe.forEach((frame, i) => {
      session.timers.push(
        setTimeout(() => {
          if (session.ws.readyState !== WebSocket.OPEN) return;
          session.ws.send(frame);
          this.deps.raw?.send(this.spec.id, this.spec.url, frame, this.now());
        }, i * SUBSCRIBE_SPACING_MS),
      );
    });
    const hb = this.spec.heartbeat;
    if (hb.kind !== 'server-ping') {
      const timer = setInterval(() => {
        if (session.ws.readyState !== WebSocket.OPEN) return;
        if (hb.kind === 'ws-ping') session.ws.ping();
        else session.ws.send(hb.payload);
      }, hb.intervalMs);
      session.timers.push(timer);
    }
    if (this.spec.maxLifetimeMs) session.timers.push(setTimeout(() => this.rollover(session), this.spec.maxLifetimeMs));
  }

  /** Open the replacement first; the old connection closes when the new one delivers data. */
  private rollover(session: Session): void {
    if (this.stopping || session !== this.current || this.replacement) return;
    this.deps.logger.info({ conn: this.spec.id }, 'replacing connection before its maximum lifetime');
    this.replacement = this.open();
  }

  /**
   * The replacement's frames warm its parser while the old connection still delivers. It takes
   * over with its first data frame once every subscription is acknowledged (or a second after
   * the last was sent): then no stream is missing from it when the old one closes.
   */
  private warmReplacement(session: Session, text: string, localTs: number): void {
    const held: MarketEvent[] = [];
    let result: FrameResult;
    try {
      result = session.parser.parseFrame(text, localTs, (e) => void held.push(e));
    } catch (err) {
      this.countParseError(err as Error, text);
      return;
    }
    if (result.type === 'ack') session.acks++;
    const subscribed =
      session.acks >= this.spec.subscribe.length ||
      localTs - (session.openedAt ?? localTs) > this.spec.subscribe.length * SUBSCRIBE_SPACING_MS + 1000;
    if (result.type !== 'data' || !subscribed) return;
    this.promote(session, null);
    this.deps.raw?.recv(this.spec.id, text, localTs);
    for (const e of held) this.emit(e);
    this.lastDataAt = localTs;
  }

  /** The replacement becomes the connection; `lossCause` when the old one died first. */
  private promote(session: Session, lossCause: GapCause | null): void {
    const old = this.current;
    this.current = session;
    this.replacement = null;
    this.state = 'open';
    this.handoverUntil = this.now() + HANDOVER_DEDUP_MS;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // The archive's connections follow each other: the replacement starts where it takes over
    // (its warm-up frames are not archived, like the events they produced were not recorded).
    this.deps.raw?.connect(this.spec.id, this.spec.url, this.now());
    if (lossCause) this.markLoss(lossCause);
    if (old) void this.closeSession(old, 1000, 'replaced');
  }

  private onMessage(session: Session, data: Buffer, isBinary: boolean): void {
    const localTs = this.now();
    const text = data.toString('utf8');
    if (session === this.replacement && !isBinary) return this.warmReplacement(session, text, localTs);
    if (session !== this.current) return;
    // The archive holds exactly the frames the collector processed, so an import reproduces them.
    this.deps.raw?.recv(this.spec.id, text, localTs);
    if (isBinary) {
      this.countParseError(parseError('binary frame where text was expected', this.deps.exchange), text);
      return;
    }
    let result: FrameResult;
    try {
      result = session.parser.parseFrame(text, localTs, this.emit);
    } catch (err) {
      this.countParseError(err as Error, text);
      return;
    }
    this.deps.telemetry.frames.inc({ exchange: this.deps.exchange, type: result.type });
    switch (result.type) {
      case 'data':
        this.lastDataAt = localTs;
        if (!session.gotData) {
          session.gotData = true;
          this.backoff.reset();
        }
        if (this.state === 'stale') this.state = 'open';
        break;
      case 'rejected':
        this.deps.telemetry.rejected.inc({ exchange: this.deps.exchange });
        this.lastError = result.message;
        this.deps.logger.warn({ conn: this.spec.id, message: result.message }, 'exchange rejected a request');
        break;
      case 'notice':
        // OKX announces a service-upgrade disconnect 60 s ahead: move to a new connection now.
        this.deps.logger.info({ conn: this.spec.id, message: result.message }, 'exchange notice; reconnecting early');
        this.rollover(session);
        break;
      default:
        break;
    }
  }

  private readonly emit = (event: MarketEvent): void => {
    if (this.replacement) this.handoverSeen.add(handoverKey(event));
    else if (this.handoverSeen.size) {
      // Just after a handover the new connection repeats what the old one delivered last.
      if (event.local_ts <= this.handoverUntil && this.handoverSeen.has(handoverKey(event))) return;
      if (event.local_ts > this.handoverUntil) this.handoverSeen.clear();
    }
    this.gaps.pass(event);
  };

  private countParseError(err: Error, text: string): void {
    this.parseErrors++;
    this.deps.telemetry.parseErrors.inc({ exchange: this.deps.exchange });
    if (this.parseErrors <= 10 || this.parseErrors % PARSE_LOG_EVERY === 0) {
      this.deps.logger.warn(
        { conn: this.spec.id, err: err.message, count: this.parseErrors, frame: text.slice(0, 200) },
        'malformed frame skipped',
      );
    }
  }

  private checkStale(): void {
    const s = this.current;
    if (!s || s.openedAt === null || this.state !== 'open') return;
    const since = Math.max(this.lastDataAt ?? 0, s.openedAt);
    if (this.now() - since > this.spec.staleMs) {
      this.state = 'stale';
      this.lastError = `no data for ${this.now() - since} ms`;
      this.deps.logger.warn({ conn: this.spec.id, silentMs: this.now() - since }, 'feed stale; reconnecting');
      this.markLoss('stale');
      s.ws.terminate();
    }
  }

  private markLoss(cause: GapCause): void {
    if (this.gaps.armed) return; // the earliest loss wins until data flows again
    const start = this.lastDataAt ?? this.now();
    this.gaps.arm(start, cause);
    this.deps.raw?.gap(this.spec.id, start, cause, this.now());
  }

  private onClose(session: Session, code: number, reason: string): void {
    session.timers.forEach((t) => clearTimeout(t));
    if (session === this.replacement) {
      // The replacement failed: try again later, while the current one still serves.
      this.replacement = null;
      const current = this.current;
      if (current && !this.stopping) current.timers.push(setTimeout(() => this.rollover(current), this.backoff.next()));
      return;
    }
    if (session !== this.current || this.stopping) return;
    const next = this.replacement;
    if (next && next.ws.readyState === WebSocket.OPEN) {
      // The old connection ended before the replacement took over: hand over now.
      this.promote(next, 'rollover');
      return;
    }
    this.current = null;
    this.markLoss('disconnect');
    this.reconnects++;
    this.deps.telemetry.reconnects.inc({ exchange: this.deps.exchange, stream: this.spec.stream });
    const delay = this.backoff.next();
    this.state = 'backoff';
    this.deps.logger.warn({ conn: this.spec.id, code, reason, retryInMs: delay }, 'feed disconnected; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopping && !this.current) this.current = this.open();
    }, delay);
  }

  private closeSession(s: Session, code: number, reason: string): Promise<void> {
    s.timers.forEach((t) => clearTimeout(t));
    return new Promise((resolve) => {
      if (s.ws.readyState === WebSocket.CLOSED) return resolve();
      const force = setTimeout(() => s.ws.terminate(), 2000);
      s.ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (s.ws.readyState === WebSocket.CONNECTING) s.ws.terminate();
      else s.ws.close(code, reason);
    });
  }
}
