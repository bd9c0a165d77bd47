/**
 * Bybit v5 public linear websocket (`/v5/public/linear`): one ack per subscribe request, the
 * linear `{"op":"ping"}` → pong reply, `success:false` with a `ret_msg` for a topic that does
 * not exist, and the 10-minute cut of a connection with neither pings nor pushed data
 * (../shared/samples/PROTOCOLS.md §2).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SimConnection } from '../connection.ts';
import type { ServerContext } from '../context.ts';

export const BYBIT_PATH = '/v5/public/linear';

/** Connection ids look like Bybit's: 20 base-32 characters, a dash, 5 more. */
function connId(): string {
  const a = '0123456789abcdefghijklmnopqrstuv';
  let s = '';
  for (let i = 0; i < 26; i++) s += i === 20 ? '-' : a[Math.floor(Math.random() * 32)];
  return s;
}

export class BybitConnection extends SimConnection {
  private readonly connId = connId();
  private lastPingAt: number;

  constructor(ws: WebSocket, socket: Duplex, ctx: ServerContext, onClosed: (c: SimConnection) => void) {
    super('bybit-linear', ws, socket, ctx, onClosed);
    this.lastPingAt = this.openedAt;
    const idle = ctx.limits.bybit.idleMs;
    this.every(Math.max(10, Math.min(idle / 4, 10_000)), () => {
      const quiet = ctx.clock() - Math.max(this.lastPingAt, this.lastSentAt);
      if (quiet >= idle) this.close(1000, 'idle');
    });
  }

  deliver(_key: string, text: string): void {
    this.send(text);
  }

  /** Bybit has no scheduled rotation; a forced one is a normal close. */
  rollover(): void {
    this.close(1000);
  }

  private reply(op: string, reqId: string, success: boolean, retMsg: string): void {
    this.send(
      '{"success":' +
        success +
        ',"ret_msg":' +
        JSON.stringify(retMsg) +
        ',"conn_id":"' +
        this.connId +
        '","req_id":' +
        JSON.stringify(reqId) +
        ',"op":' +
        JSON.stringify(op) +
        '}',
    );
  }

  protected onMessage(text: string): void {
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      return this.reply('', '', false, 'error:request is not valid json');
    }
    const r = (typeof req === 'object' && req !== null ? req : {}) as Record<string, unknown>;
    const reqId = typeof r.req_id === 'string' ? r.req_id : r.req_id === undefined ? '' : String(r.req_id);
    const op = typeof r.op === 'string' ? r.op : '';
    switch (op) {
      case 'ping':
        this.lastPingAt = this.ctx.clock();
        return this.reply('ping', reqId, true, 'pong');
      case 'subscribe':
      case 'unsubscribe': {
        const args = r.args;
        if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string'))
          return this.reply(op, reqId, false, 'error:args must be a non-empty array of topics');
        const topics = args as string[];
        if (op === 'unsubscribe') {
          for (const t of topics) if (this.keys.has(t)) this.unsubscribeKey(t);
          return this.reply(op, reqId, true, '');
        }
        const unknown = topics.find((t) => !this.ctx.source.has(this.exchange, t));
        if (unknown !== undefined) return this.reply(op, reqId, false, `error:handler not found,topic:${unknown}`);
        const again = topics.find((t) => this.keys.has(t));
        if (again !== undefined) return this.reply(op, reqId, false, `error:already subscribed,topic:${again}`);
        this.reply(op, reqId, true, '');
        for (const t of topics) {
          const start = this.ctx.source.onSubscribe(this.exchange, t, this.ctx.clock());
          this.subscribeKey(t, start.awaitSnapshot);
          if (start.initial !== null) this.send(start.initial);
        }
        return;
      }
      default:
        return this.reply(op, reqId, false, `error:unsupported op ${JSON.stringify(op)}`);
    }
  }
}
