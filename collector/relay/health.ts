/**
 * Health tiers of the collector daemon, computed from a plain snapshot of its state (pure, so the
 * tiers are tested without a daemon). Documented in docs/relay-protocol.md#health.
 *
 *   down      the writer is failing (e.g. disk full), no feed is configured, or every feed is
 *             disconnected (reconnecting or closed): nothing is being recorded.
 *   degraded  recording, but something needs a look: a feed stale (no data message for
 *             `staleMs`), reconnecting, closed or still starting; an open gap; writer lag above
 *             `writerLagMs`; free disk below `minFreeDiskBytes` (on the database's or the
 *             recordings folder's filesystem); the recordings catalog unreadable or a segment
 *             close failing; failing webhook deliveries.
 *   ok        none of the above.
 *
 * `notes` are not reasons: they say where the collector deliberately records less than usual
 * (e.g. fewer ratio polls at scale, to stay within an exchange's limit), and never change the tier.
 * The document itself (HealthReport) is core/health.ts, shared with its readers.
 */
import type {
  AlertDeliveryHealth,
  BusHealth,
  HealthRole,
  FeedConnection,
  FeedHealth,
  FeedStatus,
  HealthReport,
  HealthStatus,
  StoreHealth,
} from '../../core/health.ts';
import type { Config } from '../config.ts';

export interface HealthInput {
  /** Default `collector`: the single-process daemon. */
  role?: HealthRole;
  /** The role's bus link (scale-out roles only). */
  bus?: BusHealth | null;
  now: number;
  startedAt: number;
  version: string;
  feeds: FeedConnection[];
  openGaps: number;
  writerLagMs: number;
  lastWriteError: string | null;
  dbBytes: number;
  diskFreeBytes: number | null;
  /** The recordings folder, when the collector writes segments (config store.dir). */
  store?: StoreHealth | null;
  alertDelivery: AlertDeliveryHealth;
  /** The feed plans' notes (FeedPlan.notes); none when absent. */
  notes?: string[];
}

export type HealthThresholds = Config['health'];

/** The recording part of a health input for a server that records nothing (a relay node, a bench relay). */
export const NOTHING_RECORDED = {
  feeds: [],
  openGaps: 0,
  writerLagMs: 0,
  lastWriteError: null,
  dbBytes: 0,
  diskFreeBytes: null,
  alertDelivery: { pending: 0, failed: 0, lastError: null },
} as const satisfies Partial<HealthInput>;

function feedStatus(feed: FeedConnection, input: HealthInput, staleMs: number): FeedStatus {
  const starting = feed.lastDataAt === null && input.now - input.startedAt < staleMs;
  switch (feed.state) {
    case 'closed':
      return 'closed';
    case 'stale':
      return 'stale';
    case 'connecting':
    case 'backoff':
      // A feed that already failed to connect is reconnecting, even within the start-up grace.
      return starting && feed.reconnects === 0 ? 'starting' : 'reconnecting';
    case 'open':
      if (starting) return 'starting';
      return feed.lastDataAt === null || input.now - feed.lastDataAt > staleMs ? 'stale' : 'up';
  }
}

// Decimal, like the sizes in the config (health.minFreeDiskBytes "1GB" is 1000 MB).
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

export function assessHealth(input: HealthInput, thresholds: HealthThresholds): HealthReport {
  const feeds: FeedHealth[] = input.feeds.map((f) => ({
    ...f,
    status: feedStatus(f, input, thresholds.staleMs),
    lastMessageAgeMs: f.lastDataAt === null ? null : Math.max(0, input.now - f.lastDataAt),
  }));
  const down: string[] = [];
  const degraded: string[] = [];

  const role = input.role ?? 'collector';
  const bus = input.bus ?? null;
  if (input.lastWriteError !== null) down.push(`writer failing: ${input.lastWriteError}`);
  // The store and relay roles have no feeds: their data comes from the bus.
  const fed = role === 'collector' || role === 'collect';
  const disconnected = feeds.filter((f) => f.status === 'reconnecting' || f.status === 'closed');
  if (fed && feeds.length === 0) down.push('no feeds configured');
  else if (fed && disconnected.length === feeds.length) down.push(`all feeds down (${feeds.length} disconnected)`);
  if (bus && !bus.connected) {
    const why = `bus ${bus.url} unreachable${bus.lastError ? ` (${bus.lastError})` : ''}`;
    // A collector keeps recording into its local database and catches up later; the others stop.
    if (fed) degraded.push(`${why}: recording locally, ${bus.lag} ${bus.lagUnit} to publish`);
    else down.push(why);
  } else if (bus && bus.lag > thresholds.busLag) {
    degraded.push(`bus lag ${bus.lag} ${bus.lagUnit} > ${thresholds.busLag}`);
  }

  for (const f of feeds) {
    const name = `${f.exchange}/${f.connection}`;
    if (f.status === 'stale') {
      const age =
        f.lastMessageAgeMs === null ? 'no data yet' : `no data for ${Math.round(f.lastMessageAgeMs / 1000)} s`;
      degraded.push(`feed ${name} stale (${age})`);
    } else if (f.status === 'reconnecting' || f.status === 'closed') {
      degraded.push(`feed ${name} ${f.status}${f.lastError ? ` (${f.lastError})` : ''}`);
    } else if (f.status === 'starting') {
      degraded.push(`feed ${name} starting (no data yet)`);
    }
  }
  if (input.openGaps > 0) degraded.push(`${input.openGaps} open gap${input.openGaps === 1 ? '' : 's'}`);
  if (input.writerLagMs > thresholds.writerLagMs)
    degraded.push(`writer lag ${Math.round(input.writerLagMs)} ms > ${thresholds.writerLagMs} ms`);
  if (input.diskFreeBytes !== null && input.diskFreeBytes < thresholds.minFreeDiskBytes)
    degraded.push(`low disk: ${mb(input.diskFreeBytes)} free < ${mb(thresholds.minFreeDiskBytes)}`);
  if (input.store?.error) degraded.push(`recordings store: ${input.store.error}`);
  if (input.alertDelivery.failed > 0)
    degraded.push(
      `webhook deliveries failing: ${input.alertDelivery.failed} failed${input.alertDelivery.lastError ? ` (${input.alertDelivery.lastError})` : ''}`,
    );

  const status: HealthStatus = down.length ? 'down' : degraded.length ? 'degraded' : 'ok';
  return {
    status,
    role,
    bus,
    // When down, the feed-level details are still listed after the cause.
    reasons: [...down, ...degraded],
    feeds,
    openGaps: input.openGaps,
    writerLagMs: input.writerLagMs,
    dbBytes: input.dbBytes,
    diskFreeBytes: input.diskFreeBytes,
    store: input.store ?? null,
    alertDelivery: input.alertDelivery,
    notes: input.notes ?? [],
    uptimeS: Math.max(0, Math.floor((input.now - input.startedAt) / 1000)),
    version: input.version,
    ts: input.now,
  };
}

/** HTTP status of GET /health: load balancers treat degraded as serving. */
export function healthHttpStatus(status: HealthStatus): 200 | 503 {
  return status === 'down' ? 503 : 200;
}
