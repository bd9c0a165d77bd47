/**
 * What a site publishes, decided over catalogs: pins, the recent window anchored on the
 * recording, the markets narrowing, the sample rule and the config errors.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog, PinnedSession, SegmentEntry } from '../../core/catalog.ts';
import { FbError } from '../../core/errors.ts';
import type { PublishConfig } from '../config/schema.ts';
import { planPublish, publishedName, type PublishSource } from './plan.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2020, 0, 6, 10);
const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

/** Closed hour `h` after T0 (a distinct sha256 each), with `events` events and `gaps` gap events. */
function closed(h: number, events: number, markets = [BTC], gaps = 0): SegmentEntry {
  const from = T0 + h * HOUR;
  const stamp = new Date(from).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return {
    file: `seg-${stamp}Z.sqlite.gz`,
    from,
    to: from + HOUR,
    events,
    bytes: 1000 + h,
    sha256: `${String(h).padStart(2, '0')}${'ab'.repeat(31)}`,
    markets,
    open: false,
    seq_from: h * 1000 + 1,
    seq_to: h * 1000 + events,
    kinds: gaps ? { trade: events - gaps, gap: gaps } : { trade: events },
  };
}

const hot = (h: number): SegmentEntry => ({
  ...closed(h, 5),
  file: 'hot.db',
  sha256: null,
  open: true,
  bytes: 0,
});

const pin = (name: string, fromH: number, toH: number): PinnedSession => ({
  name,
  from: T0 + fromH * HOUR,
  to: T0 + toH * HOUR,
  pinned_ts: T0,
});

const source = (dir: string, segments: SegmentEntry[], pins: PinnedSession[] = []): PublishSource => ({
  dir,
  catalog: { version: 1, segment: '1h', segments, pins } satisfies Catalog,
});

/** Hours 0-5 closed (hour 2 has ETH too and two gaps), hour 6 open; pins over hours 1-3 and ahead in hour 9. */
const REC = source(
  '/rec',
  [closed(0, 10), closed(1, 20), closed(2, 30, [BTC, ETH], 2), closed(3, 40), closed(4, 50), closed(5, 60), hot(6)],
  [pin('fomc', 1.5, 3), pin('later', 9, 10), pin('all', 0, 7)],
);
const SAMPLE = source('/sample', [closed(0, 7, [ETH])]);

const options = (o: Partial<PublishConfig>): PublishConfig => ({
  sessions: [],
  recent: null,
  markets: null,
  sample: null,
  ...o,
});

const plan = (
  o: Partial<PublishConfig>,
  recordings: PublishSource | null = REC,
  sample: PublishSource | null = SAMPLE,
) => planPublish({ options: options(o), recordings, sample });

const hours = (p: ReturnType<typeof plan>, name: string) =>
  p.sessions.find((s) => s.name === name)?.segments.map((g) => (g.from - T0) / HOUR);

function refusal(o: Partial<PublishConfig>, recordings: PublishSource | null = REC): string {
  try {
    plan(o, recordings);
  } catch (err) {
    expect(err).toBeInstanceOf(FbError);
    expect((err as FbError).code).toBe('E_CONFIG');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('planPublish', () => {
  it('publishes a pin as the closed segments overlapping [from, to), never the open database', () => {
    const p = plan({ sessions: ['fomc', 'all'] });
    expect(hours(p, 'fomc')).toEqual([1, 2]);
    expect(hours(p, 'all')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.sessions.flatMap((s) => s.segments).some((g) => g.open || g.file.includes('hot'))).toBe(false);
  });

  it('sums a session from its entries and names each segment by its hash', () => {
    const [s] = plan({ sessions: ['fomc'] }).sessions;
    const [h1, h2] = [closed(1, 20), closed(2, 30, [BTC, ETH], 2)];
    expect(s).toEqual({
      name: 'fomc',
      from: h1.from,
      to: h2.to,
      markets: [BTC, ETH],
      narrowed: false,
      events: 50,
      bytes: h1.bytes + h2.bytes,
      gaps: 2,
      segments: [
        { ...h1, file: `seg-20200106T1100Z.01${'ab'.repeat(7)}.sqlite.gz` },
        { ...h2, file: `seg-20200106T1200Z.02${'ab'.repeat(7)}.sqlite.gz` },
      ],
    });
    expect(publishedName(h1)).toBe(s.segments[0].file);
  });

  it("anchors recent on the last closed segment's end, not on the clock or the open database", () => {
    // The recording is years old: a wall-clock window would find nothing.
    expect(hours(plan({ recent: 2 * HOUR }), 'recent')).toEqual([4, 5]);
    expect(hours(plan({ recent: 2 * HOUR + 1 }), 'recent')).toEqual([3, 4, 5]);
    expect(hours(plan({ recent: 1 }), 'recent')).toEqual([5]);
  });

  it('lists a segment two sessions share once among the files to copy, with its source and hash', () => {
    const p = plan({ sessions: ['fomc'], recent: 4 * HOUR });
    expect(hours(p, 'recent')).toEqual([2, 3, 4, 5]);
    expect([...p.files.keys()]).toHaveLength(5);
    const h2 = closed(2, 30);
    expect(p.files.get(publishedName(h2))).toEqual({ source: `/rec/${h2.file}`, sha256: h2.sha256, bytes: h2.bytes });
  });

  it('narrows markets, skips a session left with none, and notes a market nothing recorded', () => {
    const eth = plan({ sessions: ['fomc', 'all'], recent: HOUR, markets: [ETH] });
    expect(eth.sessions.map((s) => [s.name, s.markets, s.narrowed])).toEqual([
      ['fomc', [ETH], true],
      ['all', [ETH], true],
    ]);
    expect(eth.notes).toEqual([`session recent: none of site.publish.markets recorded, not published`]);
    // Segments are copied whole: the counts are the segments', the browser filters the markets.
    expect(eth.sessions[0].events).toBe(50);
    const typo = plan({ recent: HOUR, markets: [BTC, 'BTC/USDT'] });
    expect(typo.sessions.map((s) => s.markets)).toEqual([[BTC]]);
    expect(typo.notes).toEqual([
      `site.publish.markets: BTC/USDT not recorded in the published sessions; they have ${BTC}`,
    ]);
  });

  it('publishes the sample only when asked, or by default when no pin and no recent window are', () => {
    const names = (o: Partial<PublishConfig>) => plan(o).sessions.map((s) => s.name);
    expect(names({})).toEqual(['sample']);
    expect(names({ recent: HOUR })).toEqual(['recent']);
    expect(names({ sessions: ['fomc'] })).toEqual(['fomc']);
    expect(names({ recent: HOUR, sample: true })).toEqual(['recent', 'sample']);
    expect(names({ sample: false })).toEqual([]);
    // markets narrows the trader's sessions, not the bundled sample.
    expect(plan({ sample: true, markets: [BTC] }).sessions[0]).toMatchObject({ markets: [ETH], narrowed: false });
    const without = plan({}, REC, null);
    expect(without.sessions).toEqual([]);
    expect(without.notes).toEqual(['the bundled sample session is not in this checkout, so it is not published']);
  });

  it('notes a pin or window with no closed segment yet instead of publishing an empty session', () => {
    const p = plan({ sessions: ['later'], recent: HOUR }, source('/fresh', [hot(0)], [pin('later', 9, 10)]));
    expect(p.sessions).toEqual([]);
    expect(p.notes).toEqual([
      'session later: no closed segment yet, not published',
      'session recent: no closed segment yet, not published',
    ]);
    expect(plan({ recent: HOUR }, null).notes).toEqual([
      'site.publish.recent: no recordings folder (set store.dir), so no recent session',
    ]);
  });

  it('refuses an unknown pin naming site.publish.sessions and the pins that exist', () => {
    expect(refusal({ sessions: ['fomc', 'cpi'] })).toBe(
      'site.publish.sessions: no pin named cpi in /rec; its pins are fomc, later, all (`futuresboard recordings pin` adds one)',
    );
    expect(refusal({ sessions: ['cpi'] }, source('/bare', [closed(0, 1)]))).toMatch(
      /no pin named cpi in \/bare; it has no pins/,
    );
    expect(refusal({ sessions: ['fomc'] }, null)).toMatch(
      /^site\.publish\.sessions names fomc but there is no recordings folder; set store\.dir/,
    );
  });

  it('refuses a pin whose name another session takes', () => {
    const rec = source('/rec', [closed(0, 1)], [pin('recent', 0, 1)]);
    expect(refusal({ sessions: ['recent'], recent: HOUR }, rec)).toMatch(
      /^site\.publish: two sessions would be named recent/,
    );
  });
});
