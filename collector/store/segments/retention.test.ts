/** The retention policy: oldest unpinned closed segments go first; the hot one and pins never. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog, PinnedSession, SegmentEntry } from '../../../core/catalog.ts';
import { planRetention } from './retention.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

/** A closed one-hour segment starting `hour` hours after T0, of `bytes` bytes. */
const closed = (hour: number, bytes: number): SegmentEntry => ({
  file: `seg-${hour}.sqlite.gz`,
  from: T0 + hour * HOUR,
  to: T0 + (hour + 1) * HOUR,
  events: 10,
  bytes,
  sha256: 'ab'.repeat(32),
  markets: ['BTC-USDT-PERP'],
  open: false,
  seq_from: hour * 10 + 1,
  seq_to: hour * 10 + 10,
  kinds: { trade: 10 },
});

const hot = (hour: number): SegmentEntry => ({ ...closed(hour, 0), file: 'hot.db', open: true, sha256: null });

const catalog = (segments: SegmentEntry[], pins: PinnedSession[] = []): Catalog => ({
  version: 1,
  segment: '1h',
  segments,
  pins,
});

const pin = (name: string, from: number, to: number): PinnedSession => ({ name, from, to, pinned_ts: T0 });

const files = (segments: SegmentEntry[]) => segments.map((s) => s.file);

describe('planRetention', () => {
  it('deletes the segments that ended before now - maxAge, and keeps the one ending after', () => {
    const c = catalog([closed(0, 100), closed(1, 100), closed(2, 100), hot(3)]);
    const now = T0 + 3 * HOUR + 30 * 60_000;
    const plan = planRetention(c, { now, maxAgeMs: 90 * 60_000, maxBytes: null, hotBytes: 0 });
    // seg-1 ended at 02:00, exactly now - 90 min: gone; seg-2 ended at 03:00: kept.
    expect(files(plan)).toEqual(['seg-0.sqlite.gz', 'seg-1.sqlite.gz']);
  });

  it('deletes the oldest while closed bytes plus the hot database exceed maxBytes', () => {
    const c = catalog([closed(2, 300), closed(0, 100), closed(1, 200), hot(3)]);
    const limits = { now: T0 + 4 * HOUR, maxAgeMs: null, maxBytes: 600 };
    expect(files(planRetention(c, { ...limits, hotBytes: 0 }))).toEqual([]);
    expect(files(planRetention(c, { ...limits, hotBytes: 1 }))).toEqual(['seg-0.sqlite.gz']);
    expect(files(planRetention(c, { ...limits, hotBytes: 101 }))).toEqual(['seg-0.sqlite.gz', 'seg-1.sqlite.gz']);
    // The hot database alone over the limit: every closed segment goes, the hot one stays.
    expect(files(planRetention(c, { ...limits, hotBytes: 10_000 }))).toEqual([
      'seg-0.sqlite.gz',
      'seg-1.sqlite.gz',
      'seg-2.sqlite.gz',
    ]);
  });

  it('keeps every segment overlapping a pin, while its bytes still count', () => {
    const c = catalog(
      [closed(0, 100), closed(1, 100), closed(2, 100), closed(3, 100), hot(4)],
      [pin('fomc', T0 + 90 * 60_000, T0 + 2 * HOUR)],
    );
    const plan = planRetention(c, { now: T0 + 30 * HOUR, maxAgeMs: HOUR, maxBytes: null, hotBytes: 0 });
    expect(files(plan)).toEqual(['seg-0.sqlite.gz', 'seg-2.sqlite.gz', 'seg-3.sqlite.gz']);
    // A pin ending exactly where a segment starts does not hold it ([from, to) periods).
    const bytes = planRetention(c, { now: T0 + 5 * HOUR, maxAgeMs: null, maxBytes: 250, hotBytes: 0 });
    expect(files(bytes)).toEqual(['seg-0.sqlite.gz', 'seg-2.sqlite.gz']);
  });

  it('never deletes an open entry, however old', () => {
    const c = catalog([{ ...closed(0, 500), open: true, sha256: null }, hot(1)]);
    expect(planRetention(c, { now: T0 + 100 * HOUR, maxAgeMs: 0, maxBytes: 0, hotBytes: 10 })).toEqual([]);
  });

  it('holds for any catalog: only unpinned closed segments, oldest first, and within maxBytes when possible', () => {
    const segment = fc.record({ bytes: fc.integer({ min: 0, max: 1000 }), open: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 })), { maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 14 })),
        fc.option(fc.integer({ min: 0, max: 8000 })),
        fc.integer({ min: 0, max: 2000 }),
        (specs, pinSpecs, ageHours, maxBytes, hotBytes) => {
          const segments = specs.map((s, i) => ({ ...closed(i, s.bytes), open: s.open }));
          const pins = pinSpecs.map(([h, len], i) => pin(`p${i}`, T0 + h * HOUR, T0 + (h + len) * HOUR));
          const now = T0 + 14 * HOUR;
          const maxAgeMs = ageHours === null ? null : ageHours * HOUR;
          const plan = planRetention(catalog(segments, pins), { now, maxAgeMs, maxBytes, hotBytes });
          const pinned = (s: SegmentEntry) => pins.some((p) => s.from < p.to && p.from < s.to);
          for (const s of plan) expect(s.open || pinned(s)).toBe(false);
          expect(plan.map((s) => s.from)).toEqual([...plan.map((s) => s.from)].sort((a, b) => a - b));
          const kept = segments.filter((s) => !s.open && !plan.includes(s));
          const deletable = kept.filter((s) => !pinned(s));
          if (maxAgeMs !== null) for (const s of kept) if (s.to <= now - maxAgeMs) expect(pinned(s)).toBe(true);
          if (maxBytes !== null) {
            const total = hotBytes + kept.reduce((sum, s) => sum + s.bytes, 0);
            // Over the limit only when nothing deletable is left.
            if (total > maxBytes) expect(deletable).toEqual([]);
            // And nothing went that did not need to: the newest deleted one was needed to get under.
            const byteVictims = plan.filter((s) => maxAgeMs === null || s.to > now - maxAgeMs);
            const last = byteVictims.at(-1);
            if (last) expect(total + last.bytes).toBeGreaterThan(maxBytes);
          }
        },
      ),
    );
  });
});
