/**
 * The collector's `/health` document, defined once: the daemon writes it (GET /health and the
 * relay's `health` channel), continuity and the browser read it back. Documented in
 * docs/relay-protocol.md#health.
 *
 * Readers go through `readHealth`, which tolerates missing or extra fields: a snapshot or a page
 * may face a collector of another version, and must still show what it can.
 */
import type { ExchangeId } from './events.ts';

export type HealthStatus = 'ok' | 'degraded' | 'down';
const HEALTH_STATUSES: readonly string[] = ['ok', 'degraded', 'down'] satisfies HealthStatus[];

/** The feed's connection state as the daemon tracks it. */
export type FeedState = 'connecting' | 'open' | 'stale' | 'backoff' | 'closed';

/**
 * What a feed is doing, seen from outside: `up` delivers data; `starting` has not delivered any
 * yet within `staleMs` of start-up; `stale` is connected but silent; `reconnecting` and `closed`
 * are disconnected.
 */
export type FeedStatus = 'up' | 'starting' | 'stale' | 'reconnecting' | 'closed';

/** One feed connection as the daemon knows it, before it is judged. */
export interface FeedConnection {
  exchange: ExchangeId;
  stream: string;
  connection: string;
  state: FeedState;
  lastDataAt: number | null;
  reconnects: number;
  lastError: string | null;
}

export type FeedHealth = FeedConnection & { status: FeedStatus; lastMessageAgeMs: number | null };

export interface AlertDeliveryHealth {
  pending: number;
  failed: number;
  lastError: string | null;
}

/** The recordings folder (config store.dir) as /health shows it; null without one. */
export interface StoreHealth {
  dir: string;
  /** Closed segments in the catalog. */
  segments: number;
  /** Their compressed bytes. */
  closedBytes: number;
  /** The hot database with its WAL. */
  hotBytes: number;
  /** Period start of the oldest closed segment and end of the newest, epoch ms (null when none). */
  oldestFrom: number | null;
  newestTo: number | null;
  pins: number;
  /** Periods ended whose segment is not catalogued yet (being closed, or waiting for a retry). */
  closing: number;
  /** Free bytes on the folder's filesystem (null when unreadable). */
  diskFreeBytes: number | null;
  /** Why the catalog cannot be read or the last segment close failed; null when fine. */
  error: string | null;
}

/**
 * Which part of the system answers: the single-process daemon (`collect` without a bus, `demo`)
 * or one role of a scale-out deployment over NATS JetStream (docs/scale-out.md).
 */
export type HealthRole = 'collector' | 'collect' | 'store' | 'relay';
export const HEALTH_ROLES: readonly string[] = ['collector', 'collect', 'store', 'relay'] satisfies HealthRole[];

/** The role's link to the bus (null in the single-process daemon). */
export interface BusHealth {
  /** Server URL as configured, credentials removed. */
  url: string;
  connected: boolean;
  /** The last connection or publish/consume problem; null when fine. */
  lastError: string | null;
  /** JetStream stream the role publishes to or reads from. */
  stream: string;
  /** Durable consumer name (store) or null. */
  consumer: string | null;
  /**
   * How far behind the role is: for `collect`, committed events the bus has not acknowledged yet;
   * for `store` and `relay`, messages in the stream the consumer has not processed yet.
   */
  lag: number;
  lagUnit: 'events' | 'messages';
}

export interface HealthReport {
  status: HealthStatus;
  role: HealthRole;
  bus: BusHealth | null;
  reasons: string[];
  feeds: FeedHealth[];
  openGaps: number;
  writerLagMs: number;
  dbBytes: number;
  /** Free bytes on the fullest filesystem the database and the store write to. */
  diskFreeBytes: number | null;
  store: StoreHealth | null;
  alertDelivery: AlertDeliveryHealth;
  notes: string[];
  uptimeS: number;
  version: string;
  ts: number;
}

/** A feed as read back: every field null when absent or of the wrong type. */
export interface FeedReading {
  exchange: string | null;
  stream: string | null;
  connection: string | null;
  state: string | null;
  status: string | null;
  lastMessageAgeMs: number | null;
}

/** A health document as read back by a client; only the status tier is required. */
export interface HealthReading {
  status: HealthStatus;
  /** null from a daemon older than the scale-out roles (it is the single-process collector). */
  role: HealthRole | null;
  bus: { url: string | null; connected: boolean | null; lag: number | null; lagUnit: string | null } | null;
  reasons: string[];
  feeds: FeedReading[];
  openGaps: number | null;
  writerLagMs: number | null;
  dbBytes: number | null;
  uptimeS: number | null;
  version: string | null;
  ts: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read a parsed health document; null when it has no valid status tier (it is not a /health answer). */
export function readHealth(doc: unknown): HealthReading | null {
  if (!isObject(doc) || !HEALTH_STATUSES.includes(doc.status as string)) return null;
  return {
    status: doc.status as HealthStatus,
    role: HEALTH_ROLES.includes(doc.role as string) ? (doc.role as HealthRole) : null,
    bus: isObject(doc.bus)
      ? {
          url: str(doc.bus.url),
          connected: typeof doc.bus.connected === 'boolean' ? doc.bus.connected : null,
          lag: num(doc.bus.lag),
          lagUnit: str(doc.bus.lagUnit),
        }
      : null,
    // A reason that is not text is kept as its JSON rather than dropped: it is still a reason.
    reasons: Array.isArray(doc.reasons) ? doc.reasons.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))) : [],
    feeds: (Array.isArray(doc.feeds) ? doc.feeds : []).filter(isObject).map((f) => ({
      exchange: str(f.exchange),
      stream: str(f.stream),
      connection: str(f.connection),
      state: str(f.state),
      status: str(f.status),
      lastMessageAgeMs: num(f.lastMessageAgeMs),
    })),
    openGaps: num(doc.openGaps),
    writerLagMs: num(doc.writerLagMs),
    dbBytes: num(doc.dbBytes),
    uptimeS: num(doc.uptimeS),
    version: str(doc.version),
    ts: num(doc.ts),
  };
}
