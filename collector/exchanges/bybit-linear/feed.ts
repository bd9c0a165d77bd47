/**
 * Bybit v5 linear: where to connect, what to subscribe, how to stay alive, what to poll
 * (../shared/samples/PROTOCOLS.md §2.1–2.3, §6). Every URL comes from `endpoints`.
 *
 * - One connection carries every topic of a symbol, so a disconnect is one gap per symbol.
 * - Subscribe frames hold at most 10 args (as tardis sends them; Bybit's spot limit, harmless here).
 * - A connection's args must stay under 21,000 characters (Bybit's public-connection limit): more
 *   symbols open more connections.
 * - Heartbeat: `{"op":"ping"}` text every 20 s (Bybit cuts a connection silent for 10 min).
 * - Bybit has no connection lifetime limit, so no planned rollover (no maxLifetimeMs).
 */
import type { Instrument } from '../../../core/instruments.ts';
import type { ConnectionSpec, ExchangeAdapter, ExchangeEndpoints, FeedPlan, RestPoll } from '../types.ts';
import { parseInstruments, parseVolumes } from './instruments.ts';
import { BOOK_DEPTH, createParser } from './parse.ts';
import { ACCOUNT_RATIO_PATH } from './rest.ts';
import { FbError } from '../../../core/errors.ts';

const ARGS_PER_FRAME = 10;
const ARGS_CHARS_PER_CONNECTION = 21_000;
const TOPICS = ['publicTrade', 'tickers', 'allLiquidation', 'orderbook.1', `orderbook.${BOOK_DEPTH}`];
const PING_INTERVAL_MS = 20_000;
/** tickers push every 100 ms and orderbook.1 re-pushes every 3 s, so 15 s of silence is a dead feed. */
const STALE_MS = 15_000;
const ACCOUNT_RATIO_INTERVAL_MS = 60_000;
const ACCOUNT_RATIO_PERIOD = '5min';

function checkedUrl(value: unknown, setting: string, schemes: string[], example: string): string {
  if (typeof value === 'string' && schemes.some((s) => value.startsWith(s))) return value.replace(/\/+$/, '');
  throw new FbError(
    'E_ENDPOINT',
    `bybit-linear ${setting} must be a ${schemes.join(' or ')} URL, e.g. ${example} (got ${JSON.stringify(value)})`,
  );
}

const wsUrl = (e: ExchangeEndpoints) =>
  checkedUrl(e.ws.linear, 'endpoints.ws.linear', ['wss://', 'ws://'], 'wss://stream.bybit.com/v5/public/linear');
const restUrl = (e: ExchangeEndpoints) =>
  checkedUrl(e.rest, 'endpoints.rest', ['https://', 'http://'], 'https://api.bybit.com');

/** Groups each symbol's topics into connections that respect the args size limit. */
function connectionTopics(instruments: Instrument[]): string[][] {
  const connections: string[][] = [];
  let current: string[] = [];
  let chars = 2; // the brackets of the args array
  for (const { symbol } of instruments) {
    const topics = TOPICS.map((t) => `${t}.${symbol}`);
    const size = topics.reduce((n, t) => n + JSON.stringify(t).length + 1, 0);
    if (current.length > 0 && chars + size > ARGS_CHARS_PER_CONNECTION) {
      connections.push(current);
      current = [];
      chars = 2;
    }
    current.push(...topics);
    chars += size;
  }
  if (current.length > 0) connections.push(current);
  return connections;
}

function plan(endpoints: ExchangeEndpoints, instruments: Instrument[]): FeedPlan {
  const url = wsUrl(endpoints);
  const rest = restUrl(endpoints);
  let reqId = 0;
  const connections: ConnectionSpec[] = connectionTopics(instruments).map((topics, n) => {
    const subscribe: string[] = [];
    for (let i = 0; i < topics.length; i += ARGS_PER_FRAME) {
      subscribe.push(
        JSON.stringify({ req_id: String(++reqId), op: 'subscribe', args: topics.slice(i, i + ARGS_PER_FRAME) }),
      );
    }
    return {
      id: `bybit-linear/linear/${n}`,
      stream: 'linear',
      url,
      subscribe,
      heartbeat: { kind: 'text', intervalMs: PING_INTERVAL_MS, payload: '{"op":"ping"}' },
      staleMs: STALE_MS,
    };
  });
  const polls: RestPoll[] = instruments.map(({ symbol }) => ({
    id: `bybit-linear/account-ratio/${symbol}`,
    url: `${rest}${ACCOUNT_RATIO_PATH}?category=linear&symbol=${encodeURIComponent(symbol)}&period=${ACCOUNT_RATIO_PERIOD}&limit=1`,
    intervalMs: ACCOUNT_RATIO_INTERVAL_MS,
  }));
  return { connections, polls };
}

export const adapter: ExchangeAdapter = {
  id: 'bybit-linear',
  createParser,
  defaultEndpoints: { ws: { linear: 'wss://stream.bybit.com/v5/public/linear' }, rest: 'https://api.bybit.com' },
  instrumentsUrl: (endpoints) => `${restUrl(endpoints)}/v5/market/instruments-info?category=linear&limit=1000`,
  parseInstruments,
  volumesUrl: (endpoints) => `${restUrl(endpoints)}/v5/market/tickers?category=linear`,
  parseVolumes,
  plan,
};
