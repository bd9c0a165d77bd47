/**
 * The OKX v5 swap adapter: endpoints, instrument and volume lists, and the feed plan.
 *
 * Wire rules (../shared/samples/PROTOCOLS.md §3, OKX docs "WebSocket overview"):
 * - one public endpoint serves every channel we record; `data` pushes per channel and instId;
 * - subscribe requests: {"id","op":"subscribe","args":[{channel, instId|instType}, ...]}, args
 *   at most 64 KB per request, and at most 480 subscribe requests per hour per connection,
 *   hence few large batches;
 * - heartbeat: the bare text `ping` (reply `pong`); the server drops a connection after 30 s
 *   without traffic, so we ping every 20 s;
 * - no documented connection lifetime (a 64008 notice precedes maintenance disconnects).
 */
import type { Instrument } from '../../../core/instruments.ts';
import type { ConnectionSpec, ExchangeAdapter, ExchangeEndpoints, FeedPlan, RestPoll } from '../types.ts';
import { defaultInstruments, isSwap, parseInstruments, SWAP_SUFFIX } from './instruments.ts';
import { createParser } from './parse.ts';
import { parseVolumes, RUBIK } from './rest.ts';
import { FbError } from '../../../core/errors.ts';

/**
 * Instruments per connection. Each has 6 channels (~700 book/trade/ticker pushes a second for
 * 40 busy swaps), which keeps one connection's load modest; more instruments open more
 * connections. OKX allows 3 new connections a second per IP: the feed layer opens them.
 */
export const INSTRUMENTS_PER_CONNECTION = 40;
/** Args per subscribe request: ~60 bytes each, so a request stays near 6 KB (limit 64 KB). */
export const ARGS_PER_REQUEST = 100;
export const PING_INTERVAL_MS = 20_000;
/** mark-price pushes at least every 10 s per instrument even in a quiet market. */
export const STALE_MS = 25_000;
/** Rubik statistics are 5-minute buckets; OKX limits them to 5 requests per 2 s. */
export const LONG_SHORT_POLL_MS = 5 * 60_000;
/** Rows per long/short request: the newest few, so one or two missed polls lose nothing. */
const LONG_SHORT_ROWS = 3;
const PERIOD = '5m';

const PER_INSTRUMENT_CHANNELS = ['trades', 'books5', 'tickers', 'mark-price', 'funding-rate', 'open-interest'] as const;

type SubscribeArg = { channel: string; instId: string } | { channel: string; instType: string };

export const adapter: ExchangeAdapter = {
  id: 'okx-swap',
  createParser,
  defaultEndpoints: {
    ws: { public: 'wss://ws.okx.com:8443/ws/v5/public' },
    rest: 'https://www.okx.com',
  },
  instrumentsUrl: (endpoints) => `${restBase(endpoints)}/api/v5/public/instruments?instType=SWAP`,
  parseInstruments,
  defaultInstruments,
  volumesUrl: (endpoints) => `${restBase(endpoints)}/api/v5/market/tickers?instType=SWAP`,
  parseVolumes,
  plan,
};

function plan(endpoints: ExchangeEndpoints, instruments: Instrument[]): FeedPlan {
  const url = endpoints.ws.public;
  if (!url)
    throw new FbError(
      'E_OKX_OPTION',
      'okx-swap: endpoints.ws.public is missing; set it to wss://ws.okx.com:8443/ws/v5/public or a simulator URL',
    );
  const rest = restBase(endpoints);
  for (const i of instruments) {
    if (!isSwap(i.symbol)) {
      throw new FbError(
        'E_OKX_OPTION',
        `okx-swap: instrument ${i.symbol} is not a perpetual swap; use an instId ending in ${SWAP_SUFFIX}, e.g. BTC-USDT-SWAP`,
      );
    }
  }
  const connections: ConnectionSpec[] = [];
  for (let start = 0; start < instruments.length; start += INSTRUMENTS_PER_CONNECTION) {
    const group = instruments.slice(start, start + INSTRUMENTS_PER_CONNECTION);
    const args: SubscribeArg[] = [];
    const indexes = new Set<string>();
    for (const { symbol } of group) {
      for (const channel of PER_INSTRUMENT_CHANNELS) args.push({ channel, instId: symbol });
      indexes.add(symbol.slice(0, -SWAP_SUFFIX.length)); // BTC-USDT-SWAP → index BTC-USDT
    }
    for (const index of indexes) args.push({ channel: 'index-tickers', instId: index });
    // Liquidations come per instrument type, so one subscription (on the first connection) covers all.
    if (start === 0) args.push({ channel: 'liquidation-orders', instType: 'SWAP' });
    const n = connections.length;
    connections.push({
      id: `okx-swap/public/${n}`,
      stream: 'public',
      url,
      subscribe: subscribeRequests(args),
      heartbeat: { kind: 'text', intervalMs: PING_INTERVAL_MS, payload: 'ping' },
      staleMs: STALE_MS,
    });
  }
  const polls: RestPoll[] = [];
  for (const { symbol } of instruments) {
    for (const [type, path] of Object.entries(RUBIK)) {
      // unit=0 asks for taker volumes in coins (base units) instead of contracts.
      const unit = type === 'taker_volume' ? '&unit=0' : '';
      polls.push({
        id: `okx-swap/${type}/${symbol}`,
        url: `${rest}${path}?instId=${encodeURIComponent(symbol)}&period=${PERIOD}&limit=${LONG_SHORT_ROWS}${unit}`,
        intervalMs: LONG_SHORT_POLL_MS,
      });
    }
  }
  return { connections, polls };
}

/** Subscribe requests of at most ARGS_PER_REQUEST args each; ids "1", "2", ... echo back in acks. */
function subscribeRequests(args: SubscribeArg[]): string[] {
  const frames: string[] = [];
  for (let i = 0; i < args.length; i += ARGS_PER_REQUEST) {
    frames.push(
      JSON.stringify({ id: String(frames.length + 1), op: 'subscribe', args: args.slice(i, i + ARGS_PER_REQUEST) }),
    );
  }
  return frames;
}

function restBase(endpoints: ExchangeEndpoints): string {
  if (!endpoints.rest)
    throw new FbError(
      'E_OKX_OPTION',
      'okx-swap: endpoints.rest is missing; set it to https://www.okx.com or a simulator URL',
    );
  return endpoints.rest.replace(/\/+$/, '');
}
