/**
 * A recording as readers see it: parts read in play order as one stream. A single file is one
 * part; a recordings folder (catalog.json) is its closed segments by period, then the hot
 * database. Each part is opened only when the stream reaches it and closed as soon as the stream
 * moves on, so at most one decompressed segment is held at a time. Isomorphic: how a part is
 * opened (a file, a gunzipped segment in memory, a fetched one in the browser) is the opener's
 * business (replay/adapters/recordings-dir.ts in Node).
 *
 * A part whose whole period lies inside the window is read without the receipt-time filter:
 * the collector cuts segments by seq, so an event stamped a hair past a boundary belongs to the
 * segment it was written in, and `--from A --to B` on segment boundaries gives exactly those
 * segments' events. Parts cut by the window are filtered by receipt time.
 */
import type { SegmentEntry } from '../../core/catalog.ts';
import type { Db } from '../../core/db.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { defaultMetricsConfig, type MetricsConfig } from '../../core/metrics/config.ts';
import { checkFilter, readEvents, summarizeEvents, type ReplayFilter } from './read-events.ts';
import { recordedMetricsConfig } from './recorded-metrics-config.ts';

/** One part, open. Close `db` when done with it. */
export interface OpenedPart {
  db: Db;
  /**
   * Only rows with a higher seq belong to this part: a hot database still holds rows that have
   * already been closed into segments.
   */
  afterSeq?: number;
}

export interface RecordingPart {
  /** How messages name it (a path). */
  name: string;
  /** Its catalog entry; absent for a loose file, which covers all time. */
  entry?: SegmentEntry;
  open(): OpenedPart;
}

export interface Recording {
  /** How messages name the whole (the --db file or --recordings folder). */
  name: string;
  /** In play order. */
  parts: readonly RecordingPart[];
}

/** A part the window needs, with the filter to read it with. */
export interface PlannedPart<P extends { entry?: SegmentEntry } = RecordingPart> {
  part: P;
  filter: ReplayFilter;
}

/**
 * The parts overlapping `filter`'s [from, to), in play order, each with its own filter. Any
 * list of parts with catalog entries plans the same way (the browser's fetched segments too).
 */
export function planParts<P extends { entry?: SegmentEntry }>(
  rec: { parts: readonly P[] },
  filter: ReplayFilter = {},
): PlannedPart<P>[] {
  checkFilter(filter);
  const { from, to } = filter;
  const { from: _from, to: _to, ...unbounded } = filter;
  const plan: PlannedPart<P>[] = [];
  for (const part of rec.parts) {
    const e = part.entry;
    if (!e) {
      plan.push({ part, filter });
      continue;
    }
    // The open (hot) entry goes on receiving events past its nominal end.
    const end = e.open ? Infinity : e.to;
    if ((to !== undefined && e.from >= to) || (from !== undefined && end <= from)) continue;
    const inside = (from === undefined || from <= e.from) && (to === undefined || end <= to);
    plan.push({ part, filter: inside ? unbounded : filter });
  }
  return plan;
}

/** `filter` narrowed to the rows the opened part owns (its afterSeq). */
export const narrowed = (filter: ReplayFilter, o: OpenedPart): ReplayFilter =>
  o.afterSeq === undefined ? filter : { ...filter, afterSeq: o.afterSeq };

/** An opened part with the filter its rows are read with (afterSeq included). */
export interface PartReader {
  name: string;
  /** Its catalog entry; absent for a loose file. */
  entry?: SegmentEntry;
  db: Db;
  filter: ReplayFilter;
}

/**
 * The planned parts opened one after the other, lazily: each is closed when the consumer asks
 * for the next one or stops.
 */
export function* openParts(plan: readonly PlannedPart[]): Generator<PartReader, void, undefined> {
  for (const { part, filter } of plan) {
    const o = part.open();
    try {
      yield { name: part.name, entry: part.entry, db: o.db, filter: narrowed(filter, o) };
    } finally {
      o.db.close();
    }
  }
}

/**
 * The events of every planned part as one stream. A plain iterator rather than a generator
 * delegating to each part: replay reads every recorded row through here.
 */
function partsIterator(plan: readonly PlannedPart[]): Iterator<RecordedEvent> {
  let next = 0;
  let opened: OpenedPart | undefined;
  let events: Iterator<RecordedEvent> | undefined;
  const closeCurrent = () => {
    events?.return?.();
    events = undefined;
    opened?.db.close();
    opened = undefined;
  };
  return {
    next() {
      try {
        for (;;) {
          if (events) {
            const r = events.next();
            if (!r.done) return r;
            closeCurrent();
          }
          if (next >= plan.length) return { done: true, value: undefined };
          const { part, filter } = plan[next++];
          opened = part.open();
          events = readEvents(opened.db, narrowed(filter, opened))[Symbol.iterator]();
        }
      } catch (err) {
        // A loop that throws is not closed by its caller: release the part here.
        closeCurrent();
        throw err;
      }
    },
    return() {
      closeCurrent();
      next = plan.length;
      return { done: true, value: undefined };
    },
  };
}

/** Recorded events matching `filter` across the parts, in play order. Lazy, like readEvents. */
export function recordingEvents(rec: Recording, filter: ReplayFilter = {}): Iterable<RecordedEvent> {
  const plan = planParts(rec, filter);
  return { [Symbol.iterator]: () => partsIterator(plan) };
}

/** The player's reopenable source over the parts (dbSource in read-events.ts for one Db). */
export function recordingSource(rec: Recording, filter: ReplayFilter = {}): (from?: number) => Iterable<RecordedEvent> {
  checkFilter(filter);
  return (from) =>
    recordingEvents(rec, { ...filter, from: from === undefined ? filter.from : Math.max(from, filter.from ?? from) });
}

/**
 * How many events match `filter` (progress bars). A closed segment read whole is counted from
 * its catalog entry without opening it; the others are counted by their database.
 */
export function countEvents(rec: Recording, filter: ReplayFilter = {}): number {
  let n = 0;
  const rest: PlannedPart[] = [];
  for (const p of planParts(rec, filter)) {
    const e = p.part.entry;
    const whole = p.filter.from === undefined && p.filter.to === undefined && !p.filter.markets;
    if (e && !e.open && whole && e.kinds)
      n += p.filter.kinds ? p.filter.kinds.reduce((sum, k) => sum + (e.kinds[k] ?? 0), 0) : e.events;
    else rest.push(p);
  }
  for (const r of openParts(rest)) n += summarizeEvents(r.db, r.filter).count;
  return n;
}

/**
 * Whether a row derived from the events (a metric row, an alert), received at `localTs` for
 * `market`, lies in `filter`'s window and markets.
 */
export const inFilter = (filter: ReplayFilter, localTs: number, market: string): boolean =>
  (filter.from === undefined || localTs >= filter.from) &&
  (filter.to === undefined || localTs < filter.to) &&
  (!filter.markets || filter.markets.includes(market));

/**
 * The metrics settings in force at the first event `filter` selects (what the collector ran
 * with there), read from the part holding that event; the defaults when nothing matches.
 */
export function metricsConfigAtStart(rec: Recording, filter: ReplayFilter = {}): MetricsConfig {
  for (const r of openParts(planParts(rec, filter)))
    for (const e of readEvents(r.db, r.filter)) return recordedMetricsConfig(r.db, e.seq);
  return defaultMetricsConfig;
}
