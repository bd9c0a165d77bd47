/**
 * The contract every exchange adapter implements: a pure parser (frames in, normalized events
 * out) and a feed plan (which connections to open, what to send, what to poll). Transport,
 * reconnects and storage live elsewhere (collector/feed, collector/store).
 */
import type { ExchangeEndpoints } from '../../core/endpoints.ts';
import type { EventSink, ExchangeId } from '../../core/events.ts';
import type { Instrument, InstrumentBook } from '../../core/instruments.ts';
import { FbError } from '../../core/errors.ts';

/** What a frame turned out to be, so the connection can keep its timers and counters right. */
export type FrameResult =
  | { type: 'data'; events: number }
  | { type: 'ack' }
  | { type: 'pong' }
  /** The exchange refused a request (subscribe rejection, bad request): surfaced to logs/metrics. */
  | { type: 'rejected'; message: string }
  /** An exchange notice such as OKX 64008 (reconnect soon). */
  | { type: 'notice'; message: string }
  /** Well-formed but not for us (e.g. a kline we do not record); counted, not an error. */
  | { type: 'ignored' };

/** Thrown by parsers for malformed input (E_PARSE); the caller counts and logs it and moves on. */
export const parseError = (message: string, exchange: ExchangeId): FbError =>
  new FbError('E_PARSE', message, { exchange });

/**
 * One parser instance per connection (it may hold per-connection state: Bybit ticker
 * snapshot+delta merge, OKX pending ticker fields, order books, sequence numbers).
 */
export interface ExchangeParser {
  readonly exchange: ExchangeId;
  /** Parse one websocket text frame received at `localTs` (epoch ms); emits events in order. */
  parseFrame(text: string, localTs: number, emit: EventSink): FrameResult;
  /**
   * Parse one REST response body. `url` is the request URL (path and query are what matter);
   * bodies of endpoints that are not market data (instrument lists) return `ignored`.
   */
  parseRest(url: string, body: string, localTs: number, emit: EventSink): FrameResult;
  /** Forget per-connection state (after a reconnect the exchange re-sends snapshots). */
  reset(): void;
}

export type ParserFactory = (instruments: InstrumentBook) => ExchangeParser;

/** How a connection keeps itself alive. */
export type Heartbeat =
  /** Send a websocket ping control frame every `intervalMs`. */
  | { kind: 'ws-ping'; intervalMs: number }
  /** Send a text frame (`ping` for OKX, `{"op":"ping"}` for Bybit) every `intervalMs`. */
  | { kind: 'text'; intervalMs: number; payload: string }
  /** The server pings us; we only answer (Binance). */
  | { kind: 'server-ping' };

export interface ConnectionSpec {
  /** Stable id, e.g. `binance-usdm/market/0`; used in logs, gaps and metrics. */
  id: string;
  /** Logical stream name used in `gaps.stream`, e.g. `market`, `public`, `linear`. */
  stream: string;
  url: string;
  /** Frames sent right after open (subscribe requests), in order. */
  subscribe: string[];
  heartbeat: Heartbeat;
  /** Close and replace the connection after this long (Binance: 24 h), overlapping old and new. */
  maxLifetimeMs?: number;
  /** Most data-message silence tolerated before the connection is declared stale. */
  staleMs: number;
}

/**
 * Endpoints that count against one rate limit of the exchange (Binance: the request weight of
 * `/fapi`, the request count of `/futures/data`). The poller paces each family on its own and a
 * 429/418 pauses only the family that got it.
 */
export interface RestFamily {
  /** Names the family in logs, e.g. `futures/data`. */
  name: string;
  /** Our pace: at most `requests` polls per `windowMs`, started evenly apart (a share of the limit). */
  requests: number;
  windowMs: number;
  /**
   * Weight used on this IP in the current minute, from a response's headers (null when not
   * reported); above `pauseAbove` the family waits for the next minute (other programs share it).
   */
  usedWeight?: { read(headers: Headers): number | null; pauseAbove: number };
}

export interface RestPoll {
  /** e.g. `binance-usdm/openInterest/BTCUSDT` */
  id: string;
  url: string;
  intervalMs: number;
  /** Without one, all of an exchange's polls form one family whose rounds are spread over 5 s. */
  family?: RestFamily;
}

export interface FeedPlan {
  connections: ConnectionSpec[];
  polls: RestPoll[];
  /**
   * Where the plan deliberately does less than usual (fewer ratio polls at scale), in one line
   * each: logged once at start and listed in `/health` `notes`.
   */
  notes?: string[];
}

/** Where an exchange is reached (core/endpoints.ts): every URL is configurable, which the simulator relies on. */
export type { ExchangeEndpoints };

export interface ExchangeAdapter {
  id: ExchangeId;
  createParser: ParserFactory;
  /** Default production endpoints. */
  defaultEndpoints: ExchangeEndpoints;
  /** URL of the instrument list (exchangeInfo, instruments-info, instruments). */
  instrumentsUrl(endpoints: ExchangeEndpoints): string;
  /** Parse the instrument list body into instruments (perpetual USDT-margined linear ones first). */
  parseInstruments(body: string): Instrument[];
  /** URL that lists 24 h volumes (for top-N selection); its body parsed to symbol -> quote volume. */
  volumesUrl(endpoints: ExchangeEndpoints): string;
  parseVolumes(body: string): Map<string, number>;
  /** Contract sizes known without asking the exchange (used when its instrument list is unreachable). */
  defaultInstruments?(): Instrument[];
  /** Connections and REST polls for these instruments. */
  plan(endpoints: ExchangeEndpoints, instruments: Instrument[]): FeedPlan;
}
