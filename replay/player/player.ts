/**
 * The replay player: plays a recorded stream at a chosen speed with pause, resume and seek.
 * Core code has no timers of its own; the caller passes a scheduler (`now` and `sleep`), so
 * Node, a browser worker and tests with a fake clock drive the same loop.
 *
 * Pacing follows receipt time: at speed s, an event recorded Δ ms after the anchor event is
 * emitted Δ/s ms after it. Pause, seek and speed changes re-anchor, so nothing bursts out to
 * "catch up" after a pause.
 */
import type { RecordedEvent } from '../../core/events.ts';
import { checkSpeed, type Speed } from './speed.ts';
import { FbError } from '../../core/errors.ts';

export interface Scheduler {
  now(): number;
  /** Resolve after `ms` milliseconds; `sleep(0)` yields to the host's event loop. */
  sleep(ms: number): Promise<void>;
}

/**
 * State derived from the stream (statistics, indicators). It sees every event, emitted or
 * not; a seek feeds it the events before the target silently, and a seek backwards resets it
 * and warms it up again from the start of the stream.
 */
export interface DerivedState {
  reset(): void;
  onEvent(e: RecordedEvent): void;
}

/**
 * A stream of recorded events whose `next()` answers at once except when it must wait for
 * something (a segment still downloading in the browser): then it returns a promise. Awaiting
 * only then keeps the per-event cost of a plain iterator. Every Iterable is one.
 */
export interface EventStream {
  [Symbol.iterator](): {
    next(): IteratorResult<RecordedEvent> | Promise<IteratorResult<RecordedEvent>>;
    return?(): unknown;
  };
}

export interface PlayerOptions {
  /**
   * Open the stream at a receipt time (inclusive), or at its beginning when `from` is
   * undefined. Called again on seek; see dbSource() in read-events.ts.
   */
  open(from?: number): EventStream;
  scheduler: Scheduler;
  speed?: Speed;
  derived?: DerivedState;
  /** At speed `max`, yield to the host every this many events so pause/stop/UI get a turn. */
  yieldEvery?: number;
  /**
   * Longest real-time wait between two events at a paced speed: a longer silence in the
   * recording (a night, or sessions recorded years apart) is shortened to this. Default: none.
   */
  maxIdleMs?: number;
}

export interface PlayerStatus {
  paused: boolean;
  speed: Speed;
  /** Receipt time of the last event read (emitted or warmed), null before the first. */
  position: number | null;
  emitted: number;
  warmed: number;
  done: boolean;
}

export interface ReplayPlayer {
  /** Play to the end (or stop()), calling `emit` for each event; resolves with the final status. */
  run(emit: (e: RecordedEvent) => void): Promise<PlayerStatus>;
  pause(): void;
  resume(): void;
  /** Jump to a receipt time: later events are emitted from there; earlier ones only warm derived state. */
  seek(localTs: number): void;
  setSpeed(speed: Speed): void;
  stop(): void;
  status(): PlayerStatus;
}

export function createReplayPlayer(options: PlayerOptions): ReplayPlayer {
  const { open, scheduler, derived } = options;
  const yieldEvery = options.yieldEvery ?? 2048;
  if (!Number.isSafeInteger(yieldEvery) || yieldEvery < 1)
    throw new FbError('E_REPLAY_STATE', `yieldEvery must be a positive integer, got ${String(options.yieldEvery)}`);
  const maxIdleMs = options.maxIdleMs ?? Infinity;
  if (!(maxIdleMs > 0))
    throw new FbError('E_REPLAY_STATE', `maxIdleMs must be positive, got ${String(options.maxIdleMs)}`);
  let speed = checkSpeed(options.speed ?? 'max');
  let paused = false;
  let stopped = false;
  let started = false;
  let done = false;
  let seekTarget: number | undefined;
  let position: number | null = null;
  let emitted = 0;
  let warmed = 0;
  /** Pacing anchor: wall time and receipt time of the event the current run of pacing started at. */
  let anchor: { wall: number; ts: number } | undefined;
  let wake: (() => void) | undefined;
  const nudge = () => {
    wake?.();
    wake = undefined;
  };

  const status = (): PlayerStatus => ({ paused, speed, position, emitted, warmed, done });

  async function run(emit: (e: RecordedEvent) => void): Promise<PlayerStatus> {
    if (started) throw new FbError('E_REPLAY_STATE', 'this player has already run; create a new one to play again');
    started = true;
    let it = open()[Symbol.iterator]();
    /** Events before this receipt time only warm derived state. */
    let silentUntil: number | undefined;
    /** The next event to emit, read but waiting for its time. */
    let pending: RecordedEvent | undefined;
    let sinceYield = 0;
    try {
      while (!stopped) {
        if (seekTarget !== undefined) {
          const target = seekTarget;
          seekTarget = undefined;
          anchor = undefined;
          if (position !== null && target > position) {
            // Forward: keep reading; what lies before the target only warms derived state.
            if (pending && pending.local_ts < target) pending = undefined;
          } else {
            // Backward (or to where we already are): start over. With derived state, from the
            // beginning so it warms up exactly as a straight run would; without, at the target.
            it.return?.();
            derived?.reset();
            it = open(derived ? undefined : target)[Symbol.iterator]();
            pending = undefined;
            position = null;
          }
          silentUntil = target;
          continue;
        }
        // A seek while paused warms state up to the target first, then waits.
        if (paused && (silentUntil === undefined || pending)) {
          await new Promise<void>((resolve) => (wake = resolve));
          anchor = undefined;
          continue;
        }
        if (!pending) {
          const next = it.next();
          const r = next instanceof Promise ? await next : next;
          // A stop or seek may have come while the stream waited.
          if (stopped) break;
          if (r.done) {
            done = true;
            break;
          }
          const e = r.value;
          position = e.local_ts;
          derived?.onEvent(e);
          if (silentUntil !== undefined && e.local_ts < silentUntil) {
            warmed++;
            // A long warm-up still lets the host in (pause, stop, UI messages).
            if (++sinceYield >= yieldEvery) {
              sinceYield = 0;
              await scheduler.sleep(0);
            }
            continue;
          }
          silentUntil = undefined;
          pending = e;
          // Paused during a warm-up: hold the first event at the target until resume.
          if (paused) continue;
        }
        if (speed === 'max') {
          if (++sinceYield >= yieldEvery) {
            sinceYield = 0;
            await scheduler.sleep(0);
            continue;
          }
        } else {
          const now = scheduler.now();
          anchor ??= { wall: now, ts: pending.local_ts };
          let wait = anchor.wall + (pending.local_ts - anchor.ts) / speed - now;
          if (wait > maxIdleMs) {
            // Skip the rest of a long silence: re-anchor so this event is due maxIdleMs from now.
            anchor = { wall: now + maxIdleMs, ts: pending.local_ts };
            wait = maxIdleMs;
          }
          if (wait > 0) {
            await scheduler.sleep(wait);
            // Re-check stop, seek and pause before emitting what we waited for.
            continue;
          }
        }
        emitted++;
        emit(pending);
        pending = undefined;
      }
    } finally {
      it.return?.();
    }
    return status();
  }

  return {
    run,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      nudge();
    },
    seek(localTs) {
      if (!Number.isFinite(localTs))
        throw new FbError('E_REPLAY_STATE', `seek needs a receipt time in epoch ms, got ${String(localTs)}`);
      seekTarget = localTs;
      nudge();
    },
    setSpeed(next) {
      speed = checkSpeed(next);
      anchor = undefined;
    },
    stop() {
      stopped = true;
      nudge();
    },
    status,
  };
}
