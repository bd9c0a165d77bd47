/**
 * An opened recording as the worker plays it: one file held whole in sql.js, or a streamed one
 * whose segments are loaded as the replay reaches them (streamed-recording.ts). Replay and
 * backtest read both the same way.
 */
import type { Db } from '../../../core/db.ts';
import type { RecordedEvent } from '../../../core/events.ts';
import type { MetricsConfig } from '../../../core/metrics/config.ts';
import type { EventStream } from '../../../replay/player/player.ts';
import { readEvents, type ReplayFilter } from '../../../replay/player/read-events.ts';
import { recordedMetricsConfig } from '../../../replay/player/recorded-metrics-config.ts';
import type { PublishedSession } from '../../../core/published.ts';
import { FbError } from '../../../core/errors.ts';
import { streamEvents, type StreamedPart } from '../../../replay/player/stream.ts';
import type { PlayWindow, RecordingSummary } from './protocol.ts';

export interface StreamWatch {
  /** The stream waits for a segment still downloading (true), or has it now (false). */
  onWait?(waiting: boolean): void;
}

export interface RecordingHandle {
  summary: RecordingSummary;
  /**
   * True when seeking should restart the stream near the target (minus the metrics warm-up)
   * rather than read everything before it: segments would have to be fetched for nothing.
   */
  streamed: boolean;
  /** The window's events from receipt time `from` (inclusive), or from the window's start. */
  events(from?: number, watch?: StreamWatch): EventStream;
  /** The metrics settings the collector ran with at event `e` of the stream being read. */
  configAt(e: RecordedEvent): MetricsConfig;
  close(): void;
}

/** The window narrowed to start no earlier than `from`. */
export const windowFrom = (window: PlayWindow, from?: number): ReplayFilter => ({
  from: from === undefined ? window.from : Math.max(from, window.from ?? from),
  to: window.to,
  markets: window.markets,
});

/** One recording file, held whole. */
export function fileHandle(db: Db, summary: RecordingSummary, window: PlayWindow): RecordingHandle {
  return {
    summary,
    streamed: false,
    events: (from) => readEvents(db, windowFrom(window, from)),
    configAt: (e) => recordedMetricsConfig(db, e.seq),
    close: () => db.close(),
  };
}

/** A recording streamed part by part (replay/player/stream.ts); the settings come from the part being read. */
export function streamedHandle(parts: StreamedPart[], summary: RecordingSummary, window: PlayWindow): RecordingHandle {
  let current: Db | null = null;
  return {
    summary,
    streamed: true,
    events: (from, watch) =>
      streamEvents(parts, windowFrom(window, from), { onOpen: (p) => (current = p.db), onWait: watch?.onWait }),
    configAt: (e) => {
      if (!current) throw new FbError('E_REPLAY', 'no segment is open to read the metrics settings from');
      return recordedMetricsConfig(current, e.seq);
    },
    close: () => {},
  };
}

/** What the pages show of a published session before any segment is fetched: its manifest entry. */
export const sessionSummary = (s: PublishedSession): RecordingSummary => ({
  name: s.name,
  bytes: s.bytes,
  segments: s.segments.length,
  events: s.events,
  firstTs: s.from,
  lastTs: s.to,
  markets: s.markets,
  schemaVersion: null,
});

/** The window a published session plays: a session narrowed to some markets plays only theirs. */
export const sessionWindow = (s: PublishedSession, window: PlayWindow): PlayWindow =>
  s.narrowed ? { ...window, markets: s.markets } : window;
