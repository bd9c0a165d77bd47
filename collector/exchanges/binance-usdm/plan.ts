/**
 * Which Binance USDⓈ-M connections to open and what to poll for a set of instruments.
 *
 * Since 2026 Binance routes streams by path (PROTOCOLS.md §1.1): `/public` carries bookTicker
 * and depth, `/market` aggTrade, markPrice, forceOrder and tickers, and a stream requested on
 * the wrong path delivers nothing, without an error. Each group therefore gets its own
 * connections on `<base>/stream` (combined mode: every frame names its stream), subscribed with
 * SUBSCRIBE requests carrying integer ids (§1.2). All streams of one symbol stay on one
 * connection, so that connection's parser sees the symbol's whole sequence and ticker state.
 * What to poll over REST, and how often, is polls.ts.
 */
import type { Instrument } from '../../../core/instruments.ts';
import type { ConnectionSpec, ExchangeEndpoints, FeedPlan } from '../types.ts';
import { EXCHANGE } from './fields.ts';
import { pollSchedule, polls } from './polls.ts';
import { FbError } from '../../../core/errors.ts';

/**
 * Per-symbol stream suffixes by route. depth5@100ms is a whole top-5 book per frame, so imbalance
 * needs no REST snapshot; markPrice@1s rather than the 3 s default gives the stale timer a
 * heartbeat of real data every second.
 */
export const STREAMS = {
  public: ['bookTicker', 'depth5@100ms'],
  market: ['aggTrade', 'markPrice@1s', 'forceOrder', 'ticker'],
} as const;

/** The 2026 docs allow 1024 streams per connection, older ones 200: the lower bound is safe on both. */
export const MAX_STREAMS_PER_CONNECTION = 200;
/**
 * Binance disconnects a client that sends more than 10 messages per second on one connection,
 * pongs included. 50 streams per SUBSCRIBE keeps a full connection at 4 requests.
 */
export const STREAMS_PER_SUBSCRIBE = 50;
/**
 * Binance closes every connection at 24 h; replacing it 5 minutes earlier lets the new
 * connection overlap the old one instead of racing the server's cut.
 */
export const MAX_LIFETIME_MS = 24 * 3_600_000 - 5 * 60_000;
/**
 * markPrice@1s arrives every second on every market connection and bookTicker changes several
 * times a second even on quiet perpetuals: ten silent seconds means the connection is dead.
 */
export const STALE_MS = { public: 10_000, market: 10_000 } as const;

function baseUrl(value: unknown, option: string, schemes: RegExp, example: string): string {
  if (typeof value !== 'string' || !schemes.test(value)) {
    throw new FbError(
      'E_ENDPOINT',
      `${option} must be an absolute URL such as ${example} (got ${JSON.stringify(value)})`,
    );
  }
  return value.replace(/\/+$/, '');
}

function connections(route: keyof typeof STREAMS, wsBase: string, symbols: string[]): ConnectionSpec[] {
  const suffixes = STREAMS[route];
  const perConnection = Math.floor(MAX_STREAMS_PER_CONNECTION / suffixes.length);
  const specs: ConnectionSpec[] = [];
  for (let start = 0; start < symbols.length; start += perConnection) {
    const streams: string[] = [];
    for (const symbol of symbols.slice(start, start + perConnection)) {
      const lower = symbol.toLowerCase();
      for (const suffix of suffixes) streams.push(`${lower}@${suffix}`);
    }
    const subscribe: string[] = [];
    for (let i = 0; i < streams.length; i += STREAMS_PER_SUBSCRIBE) {
      const params = streams.slice(i, i + STREAMS_PER_SUBSCRIBE);
      subscribe.push(JSON.stringify({ method: 'SUBSCRIBE', params, id: subscribe.length + 1 }));
    }
    specs.push({
      id: `${EXCHANGE}/${route}/${specs.length}`,
      stream: route,
      url: `${wsBase}/stream`,
      subscribe,
      heartbeat: { kind: 'server-ping' },
      maxLifetimeMs: MAX_LIFETIME_MS,
      staleMs: STALE_MS[route],
    });
  }
  return specs;
}

export function plan(endpoints: ExchangeEndpoints, instruments: Instrument[]): FeedPlan {
  const ws = endpoints.ws ?? {};
  const publicBase = baseUrl(ws.public, 'endpoints.ws.public', /^wss?:\/\//, 'wss://fstream.binance.com/public');
  const marketBase = baseUrl(ws.market, 'endpoints.ws.market', /^wss?:\/\//, 'wss://fstream.binance.com/market');
  const rest = restBase(endpoints);
  const symbols = instruments.map((i) => i.symbol);
  const schedule = pollSchedule(symbols.length);
  return {
    connections: [...connections('public', publicBase, symbols), ...connections('market', marketBase, symbols)],
    polls: polls(rest, symbols, schedule),
    notes: schedule.notes,
  };
}

export function restBase(endpoints: ExchangeEndpoints): string {
  return baseUrl(endpoints.rest, 'endpoints.rest', /^https?:\/\//, 'https://fapi.binance.com');
}
