/**
 * Uptime from a bounded history of snapshots. A snapshot counts as "up" when the collector
 * answered /health and was not `down` (degraded still records data). Websocket uptime is the
 * share of feeds that had data within the stale limit, averaged over snapshots; a snapshot in
 * which the collector was not running counts as 0 % for both.
 */
import type { HealthResult } from './health.ts';

export type CollectorState = 'ok' | 'degraded' | 'down' | 'not_running';

export interface HistoryEntry {
  time: string;
  state: CollectorState;
  /** Feeds with a data message within the stale limit. */
  feedsLive: number;
  feedsTotal: number;
}

export interface Uptime {
  /** null before the first snapshot. */
  pct: number | null;
  up: number;
  snapshots: number;
  websocketPct: number | null;
}

export const DEFAULT_HISTORY = 288; // one day at one snapshot per 5 minutes

export function collectorState(h: HealthResult): CollectorState {
  return h.running ? h.status : 'not_running';
}

export function isLive(lastMessageAgeMs: number | null, staleMs: number): boolean {
  return lastMessageAgeMs !== null && lastMessageAgeMs <= staleMs;
}

/** Append and keep only the newest `limit` entries. */
export function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit: number): HistoryEntry[] {
  return [...history, entry].slice(-limit);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function uptime(history: readonly HistoryEntry[]): Uptime {
  const up = history.filter((e) => e.state === 'ok' || e.state === 'degraded').length;
  // A running collector that reports no feeds says nothing about websocket uptime.
  const shares = history
    .filter((e) => e.state === 'not_running' || e.feedsTotal > 0)
    .map((e) => (e.state === 'not_running' ? 0 : e.feedsLive / e.feedsTotal));
  return {
    pct: history.length ? round2((100 * up) / history.length) : null,
    up,
    snapshots: history.length,
    websocketPct: shares.length ? round2((100 * shares.reduce((a, b) => a + b, 0)) / shares.length) : null,
  };
}
