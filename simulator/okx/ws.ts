/**
 * OKX v5 public websocket (`/ws/v5/public`): one `subscribe` event per arg, `error` events with
 * the real codes (60012 invalid request, 60018 unknown channel, 60014 too frequent), text
 * `ping` → `pong` (protocol pings are answered by the ws library), the 30 s cut when no
 * subscription is made or nothing is pushed, the upgrade notice 64008 before a forced close,
 * and 480 subscribe/unsubscribe requests per hour (../shared/samples/PROTOCOLS.md §3).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SimConnection } from '../connection.ts';
import type { ServerContext } from '../context.ts';

export const OKX_PATH = '/ws/v5/public';
const HOUR_MS = 3_600_000;

/** The subscription key of one arg: `channel:instId`, or `channel:instType` for liquidation-orders. */
export function okxKey(arg: Record<string, unknown>): string | null {
  const channel = arg.channel;
  const target = arg.instId ?? arg.instType;
  return typeof channel === 'string' && typeof target === 'string' ? `${channel}:${target}` : null;
}

export class OkxConnection extends SimConnection {
  private readonly connId = Math.floor(Math.random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
  private readonly ops: number[] = [];

  constructor(ws: WebSocket, socket: Duplex, ctx: ServerContext, onClosed: (c: SimConnection) => void) {
    super('okx-swap', ws, socket, ctx, onClosed);
    const idle = ctx.limits.okx.idleMs;
    this.every(Math.max(10, Math.min(idle / 4, 5000)), () => {
      const now = ctx.clock();
      // "The connection will break automatically if the subscription is not established or
      // data has not been pushed for more than 30 seconds."
      const quiet = this.keys.size === 0 ? now - this.openedAt : now - this.lastSentAt;
      if (quiet >= idle) this.close(4004, 'No data received in 30s.');
    });
  }

  deliver(_key: string, text: string): void {
    this.send(text);
  }

  /** A service upgrade: notice 64008 first, then the close after `noticeMs`. */
  rollover(noticeMs: number): void {
    this.send(
      '{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"' +
        this.connId +
        '"}',
    );
    this.after(noticeMs, () => this.close(1001, 'service upgrade'));
  }

  private event(id: string | undefined, body: string): void {
    this.send(
      '{' + (id === undefined ? '' : '"id":' + JSON.stringify(id) + ',') + body + ',"connId":"' + this.connId + '"}',
    );
  }

  private error(id: string | undefined, code: string, msg: string): void {
    this.event(id, '"event":"error","code":"' + code + '","msg":' + JSON.stringify(msg));
  }

  protected onMessage(text: string): void {
    if (text === 'ping') return this.send('pong');
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      return this.error(undefined, '60012', `Invalid request: ${text}`);
    }
    const r = (typeof req === 'object' && req !== null && !Array.isArray(req) ? req : {}) as Record<string, unknown>;
    const id = typeof r.id === 'string' ? r.id : undefined;
    if (r.op !== 'subscribe' && r.op !== 'unsubscribe') {
      if (typeof r.op === 'string') return this.error(id, '60019', `Invalid op: ${r.op}`);
      return this.error(id, '60012', `Invalid request: ${text}`);
    }
    const args = r.args;
    if (
      !Array.isArray(args) ||
      args.length === 0 ||
      args.some((a) => typeof a !== 'object' || a === null || okxKey(a) === null)
    )
      return this.error(id, '60012', `Invalid request: ${text}`);
    const now = this.ctx.clock();
    while (this.ops.length && this.ops[0] <= now - HOUR_MS) this.ops.shift();
    if (this.ops.length >= this.ctx.limits.okx.opsPerHour) return this.error(id, '60014', 'Requests too frequent.');
    this.ops.push(now);
    for (const arg of args as Record<string, unknown>[]) {
      const key = okxKey(arg)!;
      const echo = JSON.stringify(
        arg.instId !== undefined
          ? { channel: arg.channel, instId: arg.instId }
          : { channel: arg.channel, instType: arg.instType },
      );
      if (!this.ctx.source.has(this.exchange, key)) {
        const target = arg.instId !== undefined ? `instId:${arg.instId}` : `instType:${arg.instType}`;
        this.error(
          id,
          '60018',
          `Wrong URL or channel:${arg.channel},${target} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
        );
        continue;
      }
      if (r.op === 'unsubscribe') {
        if (this.keys.has(key)) this.unsubscribeKey(key);
        this.event(id, '"event":"unsubscribe","arg":' + echo);
        continue;
      }
      this.event(id, '"event":"subscribe","arg":' + echo);
      if (this.keys.has(key)) continue;
      const start = this.ctx.source.onSubscribe(this.exchange, key, now);
      this.subscribeKey(key, start.awaitSnapshot);
      if (start.initial !== null) this.send(start.initial);
    }
  }
}
