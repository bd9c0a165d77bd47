/**
 * The live relay: websocket clients subscribe to channels (optionally per market), get a snapshot
 * of the latest state, then one `update` message per publish call with everything they asked for.
 * Payloads are serialized once per distinct subscription and shared by every client that has it,
 * so a thousand clients cost little more than a bare broadcast loop.
 *
 * Only the daemon (or the replay relay) publishes: a write batch with publishBatch once it has
 * committed, health with publish.
 */
import type { WebSocket } from 'ws';
import type { RecordedEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import type { EngineOutput } from '../../core/metrics/types.ts';
import {
  CHANNELS,
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type Channel,
  type RequestId,
  type ServerMessage,
} from '../../core/relay-protocol.ts';
import type { Telemetry } from '../telemetry.ts';
import { coalesce, pressureOf } from './backpressure.ts';
import {
  CHANNEL_OF_KIND,
  LATEST_STATE_CHANNELS,
  eventStateKey,
  publishedStateKey,
  type PublishedChannel,
} from './channels.ts';
import { LatestState, type RelayItem } from './latest.ts';
import { parseClientMessage, type ClientRequest, type SubscriptionRequest } from './protocol.ts';
import { TokenBucket } from './rate-limit.ts';
import {
  applySubscribe,
  planSubscribe,
  signatureOf,
  subscriptionCount,
  toWire,
  unsubscribe,
  type Subscriptions,
} from './subscriptions.ts';
import { FbError } from '../../core/errors.ts';

export interface RelayTuning {
  /** Ping every client this often (see heartbeat()). */
  heartbeatMs: number;
  /** Client messages allowed per second (sustained) and at once (burst); beyond: close 1008. */
  messagesPerSecond: number;
  messageBurst: number;
  /** A client that stays in the drop tier this long is closed even below the close tier. */
  slowCloseMs: number;
  /** Recent items kept per market on stream channels (trades, liquidations, gaps, alerts) for snapshots. */
  recentPerMarket: number;
  /** Connections beyond this are refused with HTTP 503. */
  maxClients: number;
}

export const DEFAULT_RELAY_TUNING: RelayTuning = {
  heartbeatMs: 30_000,
  messagesPerSecond: 20,
  messageBurst: 40,
  slowCloseMs: 10_000,
  recentPerMarket: 50,
  maxClients: 2000,
};

export interface RelayOptions {
  version: string;
  maxPayloadBytes: number;
  /** Per-client send buffer limit, checked before any message is queued; tiers in backpressure.ts. */
  maxBufferedBytes: number;
  /** Subscriptions one client may hold: (channel, market) pairs, a whole channel counting one. */
  maxSubscriptions: number;
  tuning: RelayTuning;
  telemetry: Telemetry;
  logger: Logger;
  now?: () => number;
}

interface Client {
  ws: WebSocket;
  subs: Subscriptions;
  signature: string;
  bucket: TokenBucket;
  alive: boolean;
  /** Items dropped since the last message this client got, reported in its next update. */
  dropped: Map<Channel, number>;
  /** When the client entered the drop tier (null: not in it). */
  dropSince: number | null;
}

const PUBLISHED: readonly Channel[] = ['metrics', 'alerts', 'health'];

const jsonList = (items: readonly RelayItem[]) => `[${items.map((i) => i.json).join(',')}]`;

/** An UpdateMessage, spliced from the items' JSON kept since they were published (not re-serialized). */
function encodeUpdate(parts: readonly [Channel, readonly RelayItem[]][], dropped: Map<Channel, number> | null): Buffer {
  let s = '{"type":"update","channels":{';
  s += parts.map(([c, items]) => `"${c}":${jsonList(items)}`).join(',');
  s += '}';
  if (dropped?.size) s += `,"dropped":${JSON.stringify(Object.fromEntries(dropped))}`;
  return Buffer.from(s + '}');
}

export class Relay {
  private readonly clients = new Set<Client>();
  /** Every open socket, including clients already dropped whose close handshake is pending. */
  private readonly sockets = new Set<WebSocket>();
  /** Clients by subscription signature: one serialized payload per group per publish. */
  private readonly groups = new Map<string, Set<Client>>();
  private readonly latestState: LatestState;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly now: () => number;
  private order = 0;

  constructor(private readonly opts: RelayOptions) {
    this.now = opts.now ?? Date.now;
    this.latestState = new LatestState(opts.tuning.recentPerMarket);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), opts.tuning.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Committed market events, in commit order; call once per write batch. */
  publishEvents(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const items = events.map((e) =>
      this.remember(CHANNEL_OF_KIND[e.kind], e.market, eventStateKey(e), JSON.stringify(e)),
    );
    this.fanOut(items);
  }

  /** Derived data: metrics, alerts and health. `market` null means it concerns every market. */
  publish(channel: PublishedChannel, market: string | null, data: unknown): void {
    if (!PUBLISHED.includes(channel))
      throw new FbError(
        'E_RELAY_CHANNEL',
        `publish: channel must be one of ${PUBLISHED.join(', ')}; got ${JSON.stringify(channel)}`,
      );
    this.fanOut([this.remember(channel, market ?? '', publishedStateKey(data), JSON.stringify(data))]);
  }

  /**
   * One committed write batch: its market events, then the metric rows and alerts derived from
   * it, each output's metrics before its alerts and each publish an update of its own. The
   * daemon and the replay relay both publish this way.
   */
  publishBatch(events: readonly RecordedEvent[], outputs: readonly Pick<EngineOutput, 'metrics' | 'alerts'>[]): void {
    this.publishEvents(events);
    for (const out of outputs) {
      for (const row of out.metrics) this.publish('metrics', row.market, row);
      for (const alert of out.alerts) this.publish('alerts', alert.market, alert);
    }
  }

  /** JSON text of every channel's latest state for one market, or null when the relay knows nothing of it. */
  latestJson(market: string): string | null {
    const state = this.latestState.market(market);
    if (state.size === 0) return null;
    const channels = [...state].map(([c, items]) => `"${c}":${jsonList(items)}`).join(',');
    return `{"market":${JSON.stringify(market)},"channels":{${channels}}}`;
  }

  /** Take over an upgraded connection. */
  accept(ws: WebSocket): void {
    const client: Client = {
      ws,
      // Every client gets health until it unsubscribes: a silent client sees hello + health only.
      subs: new Map([['health', null]]),
      signature: '',
      bucket: new TokenBucket(this.opts.tuning.messagesPerSecond, this.opts.tuning.messageBurst, this.now()),
      alive: true,
      dropped: new Map(),
      dropSince: null,
    };
    this.clients.add(client);
    this.sockets.add(ws);
    this.regroup(client);
    this.opts.telemetry.relayClients.set(this.clients.size);

    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(client, data as Buffer, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // `ws` has already closed the socket (1009 for oversized, 1007 for bad UTF-8); count why.
      const reason = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'oversized' : 'protocol_error';
      this.opts.telemetry.relayDrops.inc({ reason });
      this.opts.logger.warn({ err: err.message, code: err.code }, 'relay client error');
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.remove(client);
    });

    this.send(client, {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      server: 'futuresboard',
      version: this.opts.version,
      channels: CHANNELS,
      subscriptions: toWire(client.subs),
      limits: {
        maxPayloadBytes: this.opts.maxPayloadBytes,
        messagesPerSecond: this.opts.tuning.messagesPerSecond,
        messageBurst: this.opts.tuning.messageBurst,
        maxSubscriptions: this.opts.maxSubscriptions,
      },
      heartbeatMs: this.opts.tuning.heartbeatMs,
    });
    this.sendSnapshot(client, 'health', null);
  }

  /** Close every client (1001) and stop the heartbeat; resolves when all sockets are gone. */
  async close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    const closing = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(CLOSE_CODES.goingAway, 'server shutting down');
          // A peer that does not answer the close handshake must not hold up shutdown.
          setTimeout(() => ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closing);
  }

  /**
   * One heartbeat round: terminate each client that has not answered the previous ping, ping the
   * others. The timer runs it every heartbeatMs; tests call it to control the rounds.
   */
  heartbeat(): void {
    for (const client of [...this.clients]) {
      if (!client.alive) {
        this.opts.telemetry.relayDrops.inc({ reason: 'heartbeat' });
        this.remove(client);
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  private remember(channel: Channel, market: string, key: string, json: string): RelayItem {
    const item: RelayItem = { channel, market, key, order: this.order++, json };
    this.latestState.add(item);
    return item;
  }

  private fanOut(items: readonly RelayItem[]): void {
    const byChannel = new Map<Channel, RelayItem[]>();
    for (const item of items) {
      const list = byChannel.get(item.channel);
      if (list) list.push(item);
      else byChannel.set(item.channel, [item]);
    }
    const now = this.now();
    for (const group of this.groups.values()) {
      const first = group.values().next().value;
      if (!first) continue;
      const parts: [Channel, RelayItem[]][] = [];
      for (const [channel, list] of byChannel) {
        if (!first.subs.has(channel)) continue;
        const markets = first.subs.get(channel);
        const chosen = markets ? list.filter((i) => i.market === '' || markets.has(i.market)) : list;
        if (chosen.length) parts.push([channel, chosen]);
      }
      if (parts.length === 0) continue;
      let shared: Buffer | null = null;
      for (const client of group) {
        const pressure = pressureOf(client.ws.bufferedAmount, this.opts.maxBufferedBytes);
        if (pressure === 'normal' && client.dropped.size === 0) {
          client.dropSince = null;
          shared ??= encodeUpdate(parts, null);
          this.deliver(client, shared);
        } else {
          this.sendUnderPressure(client, parts, pressure, now);
        }
      }
    }
  }

  private sendUnderPressure(
    client: Client,
    parts: readonly [Channel, RelayItem[]][],
    pressure: ReturnType<typeof pressureOf>,
    now: number,
  ): void {
    if (pressure === 'drop') client.dropSince ??= now;
    else client.dropSince = null;
    // Closed before anything is counted as dropped: the client will never be told.
    if (pressure === 'close') return this.closeSlow(client, this.bufferFull());
    if (client.dropSince !== null && now - client.dropSince > this.opts.tuning.slowCloseMs)
      return this.closeSlow(client, `reading too slowly for ${this.opts.tuning.slowCloseMs} ms`);

    const kept: [Channel, RelayItem[]][] = [];
    for (const [channel, items] of parts) {
      let list = items;
      if (pressure === 'drop' && channel === 'trades') list = [];
      else if (pressure !== 'normal' && LATEST_STATE_CHANNELS.has(channel)) list = coalesce(items);
      const lost = items.length - list.length;
      if (lost > 0) {
        client.dropped.set(channel, (client.dropped.get(channel) ?? 0) + lost);
        this.opts.telemetry.relayDrops.inc(
          { reason: channel === 'trades' ? 'slow_client_dropped' : 'coalesced' },
          lost,
        );
      }
      if (list.length) kept.push([channel, list]);
    }
    if (kept.length === 0) return;
    if (this.deliver(client, encodeUpdate(kept, client.dropped))) client.dropped.clear();
  }

  private closeSlow(client: Client, why: string): void {
    this.opts.telemetry.relayDrops.inc({ reason: 'slow_client_closed' });
    this.opts.logger.warn({ bufferedBytes: client.ws.bufferedAmount, why }, 'relay client closed: slow consumer');
    // Stop sending now; the close frame waits behind the buffer (ws destroys the socket if the
    // peer never completes the close handshake).
    this.remove(client);
    client.ws.close(CLOSE_CODES.policy, `slow consumer: ${why}`);
  }

  private onMessage(client: Client, data: Buffer, isBinary: boolean): void {
    if (!this.clients.has(client)) return;
    if (!client.bucket.take(this.now())) {
      return this.refuse(
        client,
        'rate_limit',
        CLOSE_CODES.policy,
        `rate limit: at most ${this.opts.tuning.messagesPerSecond} messages/s`,
      );
    }
    if (isBinary)
      return this.refuse(
        client,
        'binary',
        CLOSE_CODES.unsupportedData,
        'binary frames are not supported; send JSON text',
      );
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) {
      if (parsed.fatal) return this.refuse(client, 'malformed', CLOSE_CODES.invalidPayload, parsed.reason);
      return this.send(client, { type: 'error', id: parsed.id, code: parsed.code, message: parsed.message });
    }
    this.handle(client, parsed.request);
  }

  private refuse(client: Client, reason: string, code: number, text: string): void {
    this.opts.telemetry.relayDrops.inc({ reason });
    this.remove(client);
    client.ws.close(code, text);
  }

  private handle(client: Client, req: ClientRequest): void {
    if (req.op === 'ping') return this.send(client, { type: 'pong', id: req.id, ts: this.now() });
    if (req.op === 'subscribe') return this.subscribe(client, req);
    if (req.markets !== null) {
      const whole = req.channels.find((c) => client.subs.get(c) === null);
      if (whole) return this.unsubscribeError(client, req.id, whole);
    }
    const removed = unsubscribe(client.subs, req.channels, req.markets);
    if (removed.size) this.regroup(client);
    this.send(client, {
      type: 'unsubscribed',
      id: req.id,
      removed: toWire(removed),
      total: subscriptionCount(client.subs),
    });
  }

  /** Replies carry only what this request added, so their size is bounded by the request's. */
  private subscribe(client: Client, req: SubscriptionRequest): void {
    const { change, countAfter } = planSubscribe(client.subs, req.channels, req.markets);
    if (countAfter > this.opts.maxSubscriptions)
      return this.refuse(
        client,
        'subscription_limit',
        CLOSE_CODES.policy,
        `subscription limit: at most ${this.opts.maxSubscriptions} (channel, market) pairs; subscribe whole channels`,
      );
    applySubscribe(client.subs, change);
    if (change.size) this.regroup(client);
    this.send(client, { type: 'subscribed', id: req.id, added: toWire(change), total: countAfter });
    const only = req.markets ? new Set(req.markets) : null;
    for (const channel of req.channels) this.sendSnapshot(client, channel, only);
  }

  private unsubscribeError(client: Client, id: RequestId | undefined, channel: Channel): void {
    this.send(client, {
      type: 'error',
      id,
      code: 'E_PARTIAL_UNSUBSCRIBE',
      message: `"${channel}" is subscribed for all markets; unsubscribe the channel, then subscribe the markets you want`,
    });
  }

  private sendSnapshot(client: Client, channel: Channel, markets: ReadonlySet<string> | null): void {
    // Checked before it is built: a snapshot can be the largest message a client gets.
    if (!this.hasRoom(client)) return;
    const items = this.latestState.items(channel, markets);
    this.deliver(client, Buffer.from(`{"type":"snapshot","channel":"${channel}","data":${jsonList(items)}}`));
  }

  private send(client: Client, message: ServerMessage): void {
    this.deliver(client, Buffer.from(JSON.stringify(message)));
  }

  /**
   * The one way bytes reach a client. Whatever the message (update, snapshot, reply, error), a
   * client whose send buffer is at maxBufferedBytes is closed instead of being given more, so a
   * client that stops reading holds at most that plus one message however it got there.
   * False when nothing was queued.
   */
  private deliver(client: Client, payload: Buffer): boolean {
    if (!this.hasRoom(client)) return false;
    client.ws.send(payload, { binary: false });
    return true;
  }

  /** Whether the client is still served and below the close tier; closes it when it is not. */
  private hasRoom(client: Client): boolean {
    if (!this.clients.has(client)) return false;
    if (pressureOf(client.ws.bufferedAmount, this.opts.maxBufferedBytes) !== 'close') return true;
    this.closeSlow(client, this.bufferFull());
    return false;
  }

  private bufferFull(): string {
    return `send buffer above ${this.opts.maxBufferedBytes} bytes`;
  }

  private regroup(client: Client): void {
    this.leaveGroup(client);
    client.signature = signatureOf(client.subs);
    let group = this.groups.get(client.signature);
    if (!group) this.groups.set(client.signature, (group = new Set()));
    group.add(client);
  }

  private leaveGroup(client: Client): void {
    const group = this.groups.get(client.signature);
    if (!group) return;
    group.delete(client);
    if (group.size === 0) this.groups.delete(client.signature);
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.leaveGroup(client);
    this.opts.telemetry.relayClients.set(this.clients.size);
  }
}
