/**
 * Which closed segments retention deletes: a pure decision over the catalog, so the collector
 * (after each close) and `futuresboard recordings prune` apply the same policy, and tests can
 * check it without a clock or a disk.
 *
 * Oldest first: every closed segment whose period ended more than `maxAgeMs` ago, then more
 * while the closed segments and the hot database together hold more than `maxBytes`. The open
 * (hot or closing) entries are never deleted, nor any segment overlapping a pinned session.
 */
import { sortSegments, type Catalog, type PinnedSession, type SegmentEntry } from '../../../core/catalog.ts';

export interface RetentionLimits {
  now: number;
  /** Keep closed segments whose period ended within this many ms; null: no age limit. */
  maxAgeMs: number | null;
  /** Keep the store (closed segments + hot database) within this many bytes; null: no size limit. */
  maxBytes: number | null;
  /** Size of the hot database now; it counts against maxBytes but is never deleted. */
  hotBytes: number;
}

/** Whether the segment's period [from, to) overlaps any pinned session's. */
export const overlapsPin = (s: SegmentEntry, pins: readonly PinnedSession[]): boolean =>
  pins.some((p) => s.from < p.to && p.from < s.to);

/** The segments to delete, oldest first. */
export function planRetention(catalog: Catalog, limits: RetentionLimits): SegmentEntry[] {
  const closed = sortSegments(catalog.segments.filter((s) => !s.open));
  const deletable = closed.filter((s) => !overlapsPin(s, catalog.pins));
  const doomed = new Set<SegmentEntry>();
  if (limits.maxAgeMs !== null) {
    const cutoff = limits.now - limits.maxAgeMs;
    for (const s of deletable) if (s.to <= cutoff) doomed.add(s);
  }
  if (limits.maxBytes !== null) {
    // Pinned segments count against the limit too: they take disk space even though they stay.
    let total = limits.hotBytes + closed.reduce((sum, s) => sum + (doomed.has(s) ? 0 : s.bytes), 0);
    for (const s of deletable) {
      if (total <= limits.maxBytes) break;
      if (doomed.has(s)) continue;
      doomed.add(s);
      total -= s.bytes;
    }
  }
  return deletable.filter((s) => doomed.has(s));
}
