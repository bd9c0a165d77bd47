/**
 * A recording whose parts must be fetched before they can be read (published segments in the
 * browser, a folder of local files): the same plan as parts.ts, played as one EventStream that
 * loads each part when the stream needs it and prefetches the next one while the current one
 * plays. At most the part being read (open) and the next (loaded, not yet open) are held, so
 * memory stays at about two segments whatever the session's length.
 *
 * `next()` answers synchronously while a loaded part has rows, and returns a promise only when
 * the stream reaches a part still loading (the player awaits only then).
 */
import type { SegmentEntry } from '../../core/catalog.ts';
import type { RecordedEvent } from '../../core/events.ts';
import type { MetricsConfig } from '../../core/metrics/config.ts';
import { narrowed, planParts, type OpenedPart, type PlannedPart, type PartReader } from './parts.ts';
import type { EventStream } from './player.ts';
import { readEvents, type ReplayFilter } from './read-events.ts';

export interface StreamedPart {
  /** How messages name it (a file name or URL). */
  name: string;
  /** Its catalog entry; absent for a loose file, which covers all time. */
  entry?: SegmentEntry;
  /** Fetch and check the part's bytes; resolves with how to open them (synchronously). */
  load(): Promise<() => OpenedPart>;
}

export interface StreamHooks {
  /** A part was opened and is being read (config lookups, progress). */
  onOpen?(part: PartReader): void;
  /** The stream waits for a part still loading (true), or has it now (false). */
  onWait?(waiting: boolean): void;
}

interface Load {
  promise: Promise<() => OpenedPart>;
  opener?: () => OpenedPart;
  error?: unknown;
}

function streamIterator(plan: readonly PlannedPart<StreamedPart>[], hooks: StreamHooks) {
  const loads = new Map<number, Load>();
  let next = 0;
  let opened: OpenedPart | undefined;
  let events: Iterator<RecordedEvent> | undefined;

  const start = (k: number): Load | undefined => {
    if (k >= plan.length) return undefined;
    let load = loads.get(k);
    if (!load) {
      const l: Load = { promise: plan[k].part.load() };
      l.promise.then(
        (opener) => (l.opener = opener),
        (err) => (l.error = err),
      );
      loads.set(k, l);
      load = l;
    }
    return load;
  };
  const closeCurrent = () => {
    events?.return?.();
    events = undefined;
    opened?.db.close();
    opened = undefined;
  };
  const openLoaded = (k: number, load: Load) => {
    if (load.error !== undefined) throw load.error;
    const opener = load.opener as () => OpenedPart;
    // Drop the loaded bytes once SQLite holds them.
    loads.delete(k);
    const { part, filter } = plan[k];
    opened = opener();
    const own = narrowed(filter, opened);
    events = readEvents(opened.db, own)[Symbol.iterator]();
    hooks.onOpen?.({ name: part.name, entry: part.entry, db: opened.db, filter: own });
    start(k + 1);
  };

  const iterator = {
    next(): IteratorResult<RecordedEvent> | Promise<IteratorResult<RecordedEvent>> {
      try {
        for (;;) {
          if (events) {
            const r = events.next();
            if (!r.done) return r;
            closeCurrent();
          }
          if (next >= plan.length) return { done: true, value: undefined };
          const k = next;
          const load = start(k) as Load;
          if (load.opener === undefined && load.error === undefined) {
            hooks.onWait?.(true);
            const settled = () => {
              hooks.onWait?.(false);
              return iterator.next();
            };
            return load.promise.then(settled, settled);
          }
          next++;
          openLoaded(k, load);
        }
      } catch (err) {
        closeCurrent();
        throw err;
      }
    },
    return() {
      closeCurrent();
      loads.clear();
      next = plan.length;
      return { done: true as const, value: undefined };
    },
  };
  return iterator;
}

/** The events of `parts` matching `filter`, in play order, loading parts as the stream reaches them. */
export function streamEvents(
  parts: readonly StreamedPart[],
  filter: ReplayFilter = {},
  hooks: StreamHooks = {},
): EventStream {
  const plan = planParts({ parts }, filter);
  return { [Symbol.iterator]: () => streamIterator(plan, hooks) };
}

/**
 * How far before a seek target the stream starts, so the metrics engine has its z-score window
 * (zWindowBuckets × bucketMs, 30 min by default) filled again when the target is reached. Longer
 * timeframes (1h, 24h changes) are complete only once that much recording has played after a seek.
 */
export const seekWarmupMs = (config: MetricsConfig): number => config.zWindowBuckets * config.bucketMs;

/** Every event of a stream, awaiting only where it waits (backtests and counts over fetched parts). */
export async function forEachStreamed(stream: EventStream, onEvent: (e: RecordedEvent) => void): Promise<number> {
  const it = stream[Symbol.iterator]();
  let n = 0;
  try {
    for (;;) {
      const step = it.next();
      const r = step instanceof Promise ? await step : step;
      if (r.done) return n;
      onEvent(r.value);
      n++;
    }
  } finally {
    it.return?.();
  }
}
