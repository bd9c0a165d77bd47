/**
 * What the health page shows, from either source: the relay's live /health report (its
 * `health` channel) or, statically, the last continuity snapshot (data/continuity_state.json)
 * and the database's feed_state table.
 */
import { readHealth } from '../../core/health.ts';
import { jsonObject, num, str } from './values.ts';

export interface FeedView {
  exchange: string;
  stream: string;
  state: string;
  lastMessageAgeMs: number | null;
}

export interface HealthView {
  status: string | null;
  reasons: string[];
  uptimeS: number | null;
  /** % of recent continuity snapshots in which the collector was up; static only. */
  uptimePct: number | null;
  openGaps: number | null;
  feeds: FeedView[];
  /** When this view was true. */
  asOf: number | null;
}

/** Feeds of a continuity snapshot (continuity/state.ts FeedStatus). */
function feedsFrom(v: unknown): FeedView[] {
  if (!Array.isArray(v)) return [];
  return v.map((f) => {
    const o = jsonObject(f);
    return {
      exchange: str(o.exchange) ?? '',
      stream: str(o.stream) ?? '',
      state: str(o.state) ?? '',
      lastMessageAgeMs: num(o.lastMessageAgeMs),
    };
  });
}

/** A relay health report (core/health.ts HealthReport). */
export function healthViewFromReport(report: unknown): HealthView | null {
  const health = readHealth(report);
  if (!health) return null;
  return {
    status: health.status,
    reasons: health.reasons,
    uptimeS: health.uptimeS,
    uptimePct: null,
    openGaps: health.openGaps,
    feeds: health.feeds.map((f) => ({
      exchange: f.exchange ?? '',
      stream: f.stream ?? f.connection ?? '',
      // The judged status (up, stale, ...) says more than the connection state.
      state: f.status ?? f.state ?? '',
      lastMessageAgeMs: f.lastMessageAgeMs,
    })),
    asOf: health.ts,
  };
}

/** The `snapshot` of a continuity state file (continuity/state.ts). */
export function healthViewFromContinuity(state: unknown): HealthView | null {
  const snap = jsonObject(jsonObject(state).snapshot);
  const health = jsonObject(snap.health);
  if (!str(snap.time)) return null;
  const running = health.running === true;
  return {
    status: running ? str(health.status) : 'collector not running',
    reasons: Array.isArray(health.reasons)
      ? health.reasons.filter((x): x is string => typeof x === 'string')
      : running
        ? []
        : [str(health.detail) ?? ''],
    uptimeS: num(health.uptimeS),
    uptimePct: num(jsonObject(snap.uptime).pct),
    openGaps: num(jsonObject(snap.gaps).open),
    feeds: feedsFrom(snap.feeds),
    asOf: num(snap.timeMs),
  };
}
