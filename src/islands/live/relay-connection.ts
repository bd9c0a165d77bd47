/**
 * One websocket to the relay with reconnects. The page starts "static" (the build snapshot);
 * it turns "live" on the relay's hello and "reconnecting" when a live connection drops. A relay
 * that never answered is given up on after a few tries and the page stays static, silently:
 * a static deploy with no relay is a normal state, not an error.
 */
import type { Channel, ChannelItems, ClientMessage, ServerMessage } from '../../../core/relay-protocol.ts';
import type { RelayEndpoints } from './relay-url.ts';

export type RelayStatus = 'static' | 'connecting' | 'live' | 'reconnecting';

export interface RelaySubscription {
  channels: Channel[];
  markets?: string[];
}

export interface RelayHandlers {
  onStatus(status: RelayStatus): void;
  /**
   * `live` is false for a snapshot (the relay's recent state, sent on every (re)subscribe) and
   * true for an update (new since): what a page announces as news, such as alert toasts.
   */
  onItems(channels: ChannelItems, live: boolean): void;
}

const FIRST_TRIES = 3;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

export class RelayConnection {
  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private everLive = false;
  private closed = false;

  constructor(
    private readonly endpoints: RelayEndpoints,
    private readonly subscription: RelaySubscription,
    private readonly handlers: RelayHandlers,
  ) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000, 'page closed');
  }

  private connect(): void {
    if (this.closed) return;
    this.handlers.onStatus(this.everLive ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.endpoints.ws);
    this.ws = ws;
    ws.onmessage = (ev) => this.onMessage(ws, ev.data);
    ws.onclose = () => this.onClose(ws);
  }

  private onMessage(ws: WebSocket, data: unknown): void {
    if (typeof data !== 'string') return;
    // Typed, not trusted: the shapes are checked below before use. Unknown types are ignored (the protocol may add some).
    let msg: Partial<ServerMessage>;
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'hello') {
      this.attempts = 0;
      this.everLive = true;
      this.handlers.onStatus('live');
      const { channels, markets } = this.subscription;
      const subscribe: ClientMessage = { op: 'subscribe', channels, ...(markets ? { markets } : {}) };
      ws.send(JSON.stringify(subscribe));
      return;
    }
    // docs/relay-protocol.md: a snapshot is one channel's latest state, an update many channels' new items.
    if (msg.type === 'snapshot' && typeof msg.channel === 'string' && Array.isArray(msg.data)) {
      this.handlers.onItems({ [msg.channel]: msg.data }, false);
      return;
    }
    if (msg.type === 'update' && typeof msg.channels === 'object' && msg.channels !== null) {
      this.handlers.onItems(msg.channels, true);
    }
  }

  private onClose(ws: WebSocket): void {
    if (this.ws !== ws || this.closed) return;
    this.ws = null;
    this.attempts++;
    if (!this.everLive && this.attempts >= FIRST_TRIES) {
      this.handlers.onStatus('static');
      return;
    }
    this.handlers.onStatus(this.everLive ? 'reconnecting' : 'connecting');
    // Full jitter: many tabs reconnecting after a relay restart do not arrive at once.
    const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(this.attempts, 10));
    this.timer = setTimeout(() => this.connect(), Math.random() * cap);
  }
}
