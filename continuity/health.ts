/**
 * A daemon's `/health` (the collector, or a scale-out role), fetched with a short timeout.
 * Anything but a well-formed answer means "not running" (with the reason kept for diagnostics).
 * The document is read by core/health.ts; this keeps the part a snapshot records.
 */
import { readHealth, type HealthReading, type HealthRole, type HealthStatus } from '../core/health.ts';

export interface FeedHealth {
  exchange: string;
  stream: string;
  /** The daemon's own state word (e.g. open, connecting), kept verbatim. */
  state: string;
  /** Time since the feed's last data message; null when it never had one. */
  lastMessageAgeMs: number | null;
}

/** The role's bus link as read back; every field null when the document lacks it. */
export type BusReading = NonNullable<HealthReading['bus']>;

export type HealthResult =
  | {
      running: true;
      status: HealthStatus;
      /** null from a daemon older than the scale-out roles (the single-process collector). */
      role: HealthRole | null;
      /** null without a bus (the single-process collector). */
      bus: BusReading | null;
      reasons: string[];
      feeds: FeedHealth[];
      openGaps: number | null;
      writerLagMs: number | null;
      dbBytes: number | null;
      uptimeS: number | null;
      version: string | null;
    }
  | { running: false; detail: string };

export const NOT_RUNNING = 'collector not running';
const DEFAULT_TIMEOUT_MS = 2000;
/** A health document is a few KB; anything larger is not our daemon. */
const MAX_BODY_CHARS = 1024 * 1024;

/** URL of /health for the configured listen address (a wildcard bind is reached on loopback). */
export function healthUrl(host: string, port: number): string {
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}/health`;
}

export interface FetchHealthOptions {
  timeoutMs?: number;
  /** Bearer token when the daemon's API requires one. */
  token?: string | null;
  signal?: AbortSignal;
}

export async function fetchHealth(url: string, opts: FetchHealthOptions = {}): Promise<HealthResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let text: string;
  try {
    // 503 also carries the health document (status down), so the HTTP status is not checked.
    const res = await fetch(url, { signal, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { running: false, detail: `${url}: ${why}` };
  }
  if (text.length > MAX_BODY_CHARS)
    return { running: false, detail: `${url}: answer larger than ${MAX_BODY_CHARS} characters` };
  return parseHealth(url, text);
}

/** Accept unknown fields; reject a document without a valid status tier. */
export function parseHealth(url: string, text: string): HealthResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { running: false, detail: `${url}: answer is not JSON` };
  }
  const health = readHealth(doc);
  if (!health) return { running: false, detail: `${url}: answer has no status ok/degraded/down` };
  return {
    running: true,
    status: health.status,
    role: health.role,
    bus: health.bus,
    reasons: health.reasons,
    feeds: health.feeds.map((f) => ({
      exchange: f.exchange ?? '?',
      stream: f.stream ?? '?',
      state: f.state ?? '?',
      lastMessageAgeMs: f.lastMessageAgeMs,
    })),
    openGaps: health.openGaps,
    writerLagMs: health.writerLagMs,
    dbBytes: health.dbBytes,
    uptimeS: health.uptimeS,
    version: health.version,
  };
}
