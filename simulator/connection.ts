/**
 * What the three exchanges' websocket connections have in common: sending under the stall
 * fault and the slow-consumer cap, subscriptions registered with the hub, timers that die with
 * the connection, and the fault actions a plain client can observe (TCP drop, malformed and
 * oversized frames).
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ExchangeId } from '../core/events.ts';
import type { ServerContext } from './context.ts';
import type { Subscriber } from './hub.ts';

export abstract class SimConnection implements Subscriber {
  /** Keys registered with the hub (delivered to this connection). */
  readonly keys = new Set<string>();
  readonly openedAt: number;
  lastSentAt: number;
  private lastText = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly slots = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly exchange: ExchangeId,
    protected readonly ws: WebSocket,
    private readonly socket: Duplex,
    protected readonly ctx: ServerContext,
    onClosed: (c: SimConnection) => void,
  ) {
    this.openedAt = ctx.clock();
    this.lastSentAt = this.openedAt;
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
    ws.on('error', (err) => ctx.logger.debug({ exchange, err: err.message }, 'simulator connection error'));
    ws.on('close', () => {
      for (const t of this.timers) clearTimeout(t);
      for (const t of this.slots.values()) clearTimeout(t);
      this.timers.clear();
      this.slots.clear();
      for (const key of this.keys) ctx.hub.unsubscribe(exchange, key, this);
      this.keys.clear();
      onClosed(this);
    });
  }

  protected abstract onMessage(text: string): void;
  abstract deliver(key: string, text: string): void;
  /** The exchange's forced reconnect (Binance 24 h close, OKX upgrade notice). */
  abstract rollover(noticeMs: number): void;

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Send a text frame unless the exchange is stalled; cut the client off if it cannot keep up. */
  send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const now = this.ctx.clock();
    const c = this.ctx.counters[this.exchange];
    if (this.ctx.faults.stalled(this.exchange, now)) {
      c.framesStalled++;
      return;
    }
    if (this.ws.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
      c.slowConsumersCut++;
      this.ctx.logger.warn(
        { exchange: this.exchange, buffered: this.ws.bufferedAmount },
        'simulator cut a slow consumer',
      );
      this.ws.terminate();
      return;
    }
    this.ws.send(text);
    this.lastText = text;
    this.lastSentAt = now;
    c.framesSent++;
    c.bytesSent += text.length;
  }

  protected subscribeKey(key: string, awaitSnapshot = false): void {
    this.keys.add(key);
    this.ctx.hub.subscribe(this.exchange, key, this, awaitSnapshot);
  }

  protected unsubscribeKey(key: string): void {
    this.keys.delete(key);
    this.ctx.hub.unsubscribe(this.exchange, key, this);
  }

  /** A timer that is unref'd and cleared when the connection closes. */
  protected every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.add(t);
  }

  protected after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** A named one-shot timer; arming it again replaces the previous one (deadlines). */
  protected arm(slot: string, ms: number, fn: () => void): void {
    const old = this.slots.get(slot);
    if (old) clearTimeout(old);
    const t = setTimeout(() => {
      this.slots.delete(slot);
      fn();
    }, ms);
    t.unref();
    this.slots.set(slot, t);
  }

  close(code: number, reason = ''): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  /** TCP close without a websocket close frame: what a client sees when a route dies. */
  drop(): void {
    this.socket.destroy();
  }

  /** A frame that is not valid JSON: the last frame sent, cut in half. */
  sendMalformed(): void {
    const base = this.lastText.length > 8 ? this.lastText : '{"topic":"tickers","data":{"symbol":"BTCUSDT"}}';
    this.send(base.slice(0, Math.floor(base.length / 2)));
  }

  /** One well-formed but huge frame, to exercise the client's payload limit. */
  sendOversized(bytes: number): void {
    const head = '{"oversized":"';
    this.send(head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '"}');
  }
}
