/**
 * A replay inside the worker: the core player paces the recorded events; the metrics engine
 * sees every event (emitted or warmed) exactly as in `futuresboard replay --relay`, and only
 * the output of emitted events is shown. Output is sent to the page a few times a second,
 * coalesced: the newest ticker per instrument, every metric row, alert and gap, and one price
 * point per instrument per recorded second for the charts.
 *
 * The engine starts with the settings recorded at the first event it sees (as the CLI's replay
 * takes those at the start of its window), and starts again after every reset.
 */
import type { RecordedEvent } from '../../../core/events.ts';
import { silentLogger } from '../../../core/log.ts';
import type { MetricsConfig } from '../../../core/metrics/config.ts';
import { createMetricsEngine, type MetricsEngine } from '../../../core/metrics/engine.ts';
import type { EngineOutput } from '../../../core/metrics/types.ts';
import { createReplayPlayer, type ReplayPlayer } from '../../../replay/player/player.ts';
import { INTERACTIVE_MAX_IDLE_MS, type Speed } from '../../../replay/player/speed.ts';
import { PricePoints } from './price-points.ts';
import type { FromWorker } from './protocol.ts';
import type { RecordingHandle } from './recording-handle.ts';

const FLUSH_MS = 100;

export interface ReplaySession {
  player: ReplayPlayer;
  /** Send what has accumulated now (after pause/seek, so the page shows the new state at once). */
  flush(): void;
  done: Promise<void>;
}

/**
 * Play `rec` from its start, or from `startAt` when the recording is streamed (the stream then
 * opens `warmupMs` earlier, and what lies before `startAt` only warms the engine up).
 */
export function startReplay(
  rec: RecordingHandle,
  opts: {
    speed: Speed;
    startAt: number | null;
    warmupMs: number;
    /** The settings the engine started with (the next seek's warm-up follows them). */
    onConfig?(config: MetricsConfig): void;
  },
  post: (m: FromWorker) => void,
): ReplaySession {
  let engine: MetricsEngine | null = null;
  let lastOut: { seq: number; out: EngineOutput } | null = null;

  let tickers = new Map<string, RecordedEvent>();
  let metrics: unknown[] = [];
  let alerts: unknown[] = [];
  let gaps: unknown[] = [];
  const points = new PricePoints();
  let lastFlush = 0;

  const flush = () => {
    lastFlush = performance.now();
    const s = player.status();
    post({
      type: 'tick',
      position: s.position,
      emitted: s.emitted,
      paused: s.paused,
      done: s.done,
      channels: { tickers: [...tickers.values()], metrics, alerts, gaps },
      points: points.take(),
    });
    tickers = new Map();
    metrics = [];
    alerts = [];
    gaps = [];
  };

  const streamStart = rec.streamed && opts.startAt !== null ? opts.startAt - opts.warmupMs : undefined;
  const player = createReplayPlayer({
    open: (from) => rec.events(from ?? streamStart, { onWait: (waiting) => post({ type: 'waiting', waiting }) }),
    speed: opts.speed,
    maxIdleMs: INTERACTIVE_MAX_IDLE_MS,
    scheduler: {
      now: () => performance.now(),
      sleep: (ms) =>
        new Promise((resolve) => {
          if (performance.now() - lastFlush >= FLUSH_MS) flush();
          setTimeout(resolve, ms);
        }),
    },
    yieldEvery: 4096,
    derived: {
      reset() {
        engine = null;
        points.clear();
        tickers = new Map();
        metrics = [];
        alerts = [];
        gaps = [];
        post({ type: 'reset' });
      },
      onEvent(e) {
        if (!engine) {
          const config = rec.configAt(e);
          opts.onConfig?.(config);
          engine = createMetricsEngine(config, { logger: silentLogger });
        }
        const out = engine.onEvent(e);
        lastOut = out ? { seq: e.seq, out } : null;
      },
    },
  });
  if (opts.startAt !== null) player.seek(opts.startAt);

  const done = player
    .run((e) => {
      if (e.kind === 'book_ticker' || e.kind === 'derivative_ticker')
        tickers.set(`${e.exchange}|${e.market}|${e.kind}`, e);
      else if (e.kind === 'gap') gaps.push(e);
      points.add(e);
      if (lastOut?.seq === e.seq) {
        metrics.push(...lastOut.out.metrics);
        alerts.push(...lastOut.out.alerts);
      }
    })
    .then(flush);
  return { player, flush, done };
}
