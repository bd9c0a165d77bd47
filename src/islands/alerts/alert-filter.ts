/** Filtering the alert history by tier, market and time window (pure). */
import type { AlertRow } from '../../lib/snapshot-types.ts';

export interface AlertFilter {
  tiers: number[];
  market: string;
  /** Receipt-time bounds, epoch ms; null = open. */
  from: number | null;
  to: number | null;
}

export const NO_FILTER: AlertFilter = { tiers: [], market: '', from: null, to: null };

export function filterAlerts(alerts: readonly AlertRow[], f: AlertFilter): AlertRow[] {
  return alerts.filter(
    (a) =>
      (f.tiers.length === 0 || f.tiers.includes(a.tier)) &&
      (!f.market || a.market === f.market) &&
      (f.from === null || a.local_ts >= f.from) &&
      (f.to === null || a.local_ts < f.to),
  );
}

/** `2025-11-25T06:00` (a datetime-local value, read as UTC) <-> epoch ms. */
export function parseUtcInput(text: string | null): number | null {
  if (!text) return null;
  const ms = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms : null;
}

export function toUtcInput(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 16);
}
