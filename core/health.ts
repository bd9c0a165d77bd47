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

export interface HealthReport {
  status: HealthStatus;
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
