/**
 * The relay's wire protocol, defined once for both ends (documented with examples in
 * docs/relay-protocol.md): the version, the channel names, the close codes and the shape of
 * every message. The collector's relay sends these; the browser's islands read them.
 */

/** 2: `subscribed`/`unsubscribed` carry the change (`added`/`removed`), no longer the whole subscription. */
export const PROTOCOL_VERSION = 2;

export const CHANNELS = [
  'trades',
  'book_tops',
  'tickers',
  'liquidations',
  'open_interest',
  'long_short',
  'metrics',
  'alerts',
  'health',
  'gaps',
] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Close codes the relay uses (RFC 6455 numbers; reasons are short English text). */
export const CLOSE_CODES = {
  /** Server shutting down. */
  goingAway: 1001,
  /** A binary frame: the protocol is JSON text only. */
  unsupportedData: 1003,
  /** Text that is not a JSON object. */
  invalidPayload: 1007,
  /** Policy: rate limit or subscription limit exceeded, or the client reads too slowly. */
  policy: 1008,
  /** A message above maxPayloadBytes (sent by `ws` itself). */
  tooBig: 1009,
  /** Too many clients connected. */
  tryAgainLater: 1013,
} as const;

/** Request ids are echoed back so a client can match replies; only short scalars are accepted. */
export type RequestId = string | number;

/** Client → server. `markets` left out (or null) means every market. */
export interface SubscriptionMessage {
  op: 'subscribe' | 'unsubscribe';
  id?: RequestId;
  channels: Channel[];
  markets?: string[] | null;
}
export type ClientMessage = SubscriptionMessage | { op: 'ping'; id?: RequestId };

/** A subscription map or change as sent on the wire: `"*"` for every market. */
export type WireSubscriptions = Record<string, '*' | string[]>;

/** New items per channel; channels with nothing new are left out. */
export type ChannelItems = { [C in Channel]?: unknown[] };

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  server: 'futuresboard';
  version: string;
  channels: readonly Channel[];
  subscriptions: WireSubscriptions;
  limits: { maxPayloadBytes: number; messagesPerSecond: number; messageBurst: number; maxSubscriptions: number };
  heartbeatMs: number;
}
/** One channel's latest state, oldest first. */
export interface SnapshotMessage {
  type: 'snapshot';
  channel: Channel;
  data: unknown[];
}
/** Everything new from one write batch; `dropped` counts items a slow client did not get. */
export interface UpdateMessage {
  type: 'update';
  channels: ChannelItems;
  dropped?: { [C in Channel]?: number };
}
export interface SubscribedMessage {
  type: 'subscribed';
  id?: RequestId;
  added: WireSubscriptions;
  total: number;
}
export interface UnsubscribedMessage {
  type: 'unsubscribed';
  id?: RequestId;
  removed: WireSubscriptions;
  total: number;
}
export interface PongMessage {
  type: 'pong';
  id?: RequestId;
  ts: number;
}
/** A well-formed request the server cannot do; the connection stays open. */
export interface ErrorMessage {
  type: 'error';
  id?: RequestId;
  code: string;
  message: string;
}
export type ServerMessage =
  | HelloMessage
  | SnapshotMessage
  | UpdateMessage
  | SubscribedMessage
  | UnsubscribedMessage
  | PongMessage
  | ErrorMessage;
