/**
 * Validation of relay client requests (the messages themselves are core/relay-protocol.ts,
 * documented in docs/relay-protocol.md). Pure: no sockets here.
 */
import {
  CHANNELS,
  isChannel,
  type Channel,
  type RequestId,
  type SubscriptionMessage,
} from '../../core/relay-protocol.ts';

const MAX_MARKETS = 500;
const MAX_MARKET_LENGTH = 64;

/** A subscription request as validated: channels deduplicated, `markets` null for every market. */
export type SubscriptionRequest = Omit<SubscriptionMessage, 'markets'> & { markets: string[] | null };
export type ClientRequest = SubscriptionRequest | { op: 'ping'; id?: RequestId };

export type ParsedMessage =
  | { ok: true; request: ClientRequest }
  /** Not a JSON object at all: the connection is closed with 1007. */
  | { ok: false; fatal: true; reason: string }
  /** A JSON object that is not a valid request: answered with an error message, connection kept. */
  | { ok: false; fatal: false; id?: RequestId; code: string; message: string };

const OPS = ['subscribe', 'unsubscribe', 'ping'] as const;

function requestId(value: unknown): RequestId | undefined {
  if ((typeof value === 'string' && value.length <= 64) || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  return undefined;
}

/** Parse one client text message. The operation may be named `op`, `type` or `action`. */
export function parseClientMessage(text: string): ParsedMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, fatal: true, reason: 'malformed JSON' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    return { ok: false, fatal: true, reason: 'expected a JSON object' };
  const m = msg as Record<string, unknown>;
  const id = requestId(m.id);
  const bad = (code: string, message: string): ParsedMessage => ({ ok: false, fatal: false, id, code, message });
  const given = m.op ?? m.type ?? m.action;
  const op = OPS.find((o) => o === given);
  if (!op)
    return bad('E_UNKNOWN_OP', `"op" must be one of ${OPS.join(', ')}; got ${JSON.stringify(given) ?? 'nothing'}`);
  if (op === 'ping') return { ok: true, request: { op, id } };

  const channels = m.channels;
  if (!Array.isArray(channels) || channels.length === 0)
    return bad('E_BAD_CHANNELS', `"channels" must be a non-empty list drawn from ${CHANNELS.join(', ')}`);
  const unknown = channels.filter((c) => !isChannel(c));
  if (unknown.length)
    return bad('E_BAD_CHANNELS', `unknown channel ${JSON.stringify(unknown[0])}; channels are ${CHANNELS.join(', ')}`);

  let markets: string[] | null = null;
  if (m.markets !== undefined && m.markets !== null) {
    const list = m.markets;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_MARKETS)
      return bad(
        'E_BAD_MARKETS',
        `"markets" must be a list of 1-${MAX_MARKETS} unified markets such as "BTC/USDT:USDT", or left out for all markets`,
      );
    if (!list.every((x) => typeof x === 'string' && x.length > 0 && x.length <= MAX_MARKET_LENGTH))
      return bad(
        'E_BAD_MARKETS',
        `"markets" entries must be non-empty strings of at most ${MAX_MARKET_LENGTH} characters`,
      );
    markets = [...new Set(list as string[])];
  }
  return { ok: true, request: { op, id, channels: [...new Set(channels as Channel[])], markets } };
}
