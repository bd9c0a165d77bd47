/**
 * Protocol limits and timers of the three exchanges, with their real defaults
 * (../shared/samples/PROTOCOLS.md §1.3, §1.6, §2.3, §3.1, §3.2). Every one can be overridden so
 * tests can see a 24 h rollover or a 10 min idle cut in milliseconds.
 */
import { FbError } from '../core/errors.ts';

export interface BinanceLimits {
  /** Server ping frame interval (real: 3 min). */
  pingIntervalMs: number;
  /** Close after this long without a pong (real: 10 min). */
  pongTimeoutMs: number;
  /** Forced close with code 1000 (real: 24 h). */
  maxLifetimeMs: number;
  /** Incoming frames per second above which the connection is closed (real: 10). */
  maxMessagesPerSecond: number;
  /** Streams per connection (docs: 1024; older docs: 200). */
  maxStreams: number;
  /** REST REQUEST_WEIGHT per minute per IP (real: 2400). */
  restWeightPerMinute: number;
  /** Requests per 5 minutes per IP to the /futures/data endpoints, counted together (docs: 1000). */
  futuresDataRequestsPer5Min: number;
  /** 429 answers within one limit window after which the IP is banned with 418 (per family). */
  banAfter429s: number;
  /** Length of a 418 ban (real: 2 min to 3 days). */
  banMs: number;
}

export interface BybitLimits {
  /** Close after this long without a ping or any pushed data (real: 10 min). */
  idleMs: number;
}

export interface OkxLimits {
  /** Close when no subscription is made, or nothing is pushed, for this long (real: 30 s). */
  idleMs: number;
  /** subscribe/unsubscribe requests per hour per connection (real: 480). */
  opsPerHour: number;
  /** New connections per second per IP (real: 3). */
  connectionsPerSecond: number;
}

export interface SimulatorLimits {
  /** Largest frame a client may send. */
  maxPayloadBytes: number;
  /** A client whose unsent backlog grows beyond this is cut off, like a slow consumer. */
  maxBufferedBytes: number;
  binance: BinanceLimits;
  bybit: BybitLimits;
  okx: OkxLimits;
}

export interface LimitOverrides {
  maxPayloadBytes?: number;
  maxBufferedBytes?: number;
  binance?: Partial<BinanceLimits>;
  bybit?: Partial<BybitLimits>;
  okx?: Partial<OkxLimits>;
}

export function defaultLimits(): SimulatorLimits {
  return {
    maxPayloadBytes: 1 << 20,
    maxBufferedBytes: 64 << 20,
    binance: {
      pingIntervalMs: 180_000,
      pongTimeoutMs: 600_000,
      maxLifetimeMs: 86_400_000,
      maxMessagesPerSecond: 10,
      maxStreams: 1024,
      restWeightPerMinute: 2400,
      futuresDataRequestsPer5Min: 1000,
      banAfter429s: 5,
      banMs: 120_000,
    },
    bybit: { idleMs: 600_000 },
    okx: { idleMs: 30_000, opsPerHour: 480, connectionsPerSecond: 3 },
  };
}

/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function merge<T extends object>(path: string, base: T, over: Partial<T> | undefined): T {
  if (over === undefined) return base;
  if (typeof over !== 'object' || over === null)
    throw new FbError('E_SIM_OPTION', `${path} must be an object of numbers, e.g. { ${Object.keys(base)[0]}: 1000 }`);
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in base))
      throw new FbError('E_SIM_OPTION', `${path}.${k} is not a known limit; known: ${Object.keys(base).join(', ')}`);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > MAX_TIMER_MS)
      throw new FbError(
        'E_SIM_OPTION',
        `${path}.${k} must be a positive integer (at most ${MAX_TIMER_MS}), got ${JSON.stringify(v)}`,
      );
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

export function resolveLimits(over: LimitOverrides = {}): SimulatorLimits {
  const d = defaultLimits();
  const top = merge(
    'limits',
    { maxPayloadBytes: d.maxPayloadBytes, maxBufferedBytes: d.maxBufferedBytes },
    {
      maxPayloadBytes: over.maxPayloadBytes,
      maxBufferedBytes: over.maxBufferedBytes,
    },
  );
  return {
    ...top,
    binance: merge('limits.binance', d.binance, over.binance),
    bybit: merge('limits.bybit', d.bybit, over.bybit),
    okx: merge('limits.okx', d.okx, over.okx),
  };
}
