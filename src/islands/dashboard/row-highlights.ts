/**
 * Market table rows lit up by a live alert: the row of the alert's exchange and market, in its
 * tier's colour, for HIGHLIGHT_MS after the newest alert on it (the strongest tier while several
 * overlap). Pure: the dashboard runs one timer for `nextHighlightEnd`.
 */
import type { AlertRow } from '../../lib/snapshot-types.ts';
import { rowKey } from '../live/apply-items.ts';

export const HIGHLIGHT_MS = 10_000;

export interface RowHighlight {
  tier: number;
  /** Epoch ms when it goes. */
  until: number;
}

/** By rowKey. */
export type RowHighlights = ReadonlyMap<string, RowHighlight>;

export const NO_HIGHLIGHTS: RowHighlights = new Map();

export function highlightRows(previous: RowHighlights, alerts: readonly AlertRow[], now: number): RowHighlights {
  if (alerts.length === 0) return previous;
  const next = new Map(previous);
  for (const a of alerts) {
    const key = rowKey(a);
    const old = next.get(key);
    const tier = old && old.until > now ? Math.max(old.tier, a.tier) : a.tier;
    next.set(key, { tier, until: now + HIGHLIGHT_MS });
  }
  return next;
}

/** Without the highlights whose time is up (the same map when none is). */
export function expireHighlights(previous: RowHighlights, now: number): RowHighlights {
  if (![...previous.values()].some((h) => h.until <= now)) return previous;
  return new Map([...previous].filter(([, h]) => h.until > now));
}

export function nextHighlightEnd(highlights: RowHighlights): number | null {
  return highlights.size ? Math.min(...[...highlights.values()].map((h) => h.until)) : null;
}
