/**
 * A replay inside the worker: the core player paces the recorded events; the metrics engine
 * sees every event (emitted or warmed) exactly as in `futuresboard replay --relay`, and only
 * the output of emitted events is shown. Output is sent to the page a few times a second,
 * coalesced: the newest ticker per instrument, every metric row, alert and gap, and one price
 * point per instrument per recorded second for the charts.
 */
import type { Db } from '../../../core/db.ts';
import type { RecordedEvent } from '../../../core/events.ts';
import { silentLogger } from '../../../core/log.ts';
import { createMetricsEngine, type MetricsEngine } from '../../../core/metrics/engine.ts';
import type { EngineOutput } from '../../../core/metrics/types.ts';
import { createReplayPlayer, type ReplayPlayer } from '../../../replay/player/player.ts';
import { dbSource } from '../../../replay/player/read-events.ts';
import { recordedMetricsConfig } from '../../../replay/player/recorded-metrics-config.ts';
import { INTERACTIVE_MAX_IDLE_MS, type Speed } from '../../../replay/player/speed.ts';
import type { FromWorker, PricePoint } from './protocol.ts';

const FLUSH_MS = 100;

export interface ReplaySession {
  player: ReplayPlayer;
  /** Send what has accumulated now (after pause/seek, so the page shows the new state at once). */
  flush(): void;
  done: Promise<void>;
}

function firstSeq(db: Db): number | null {
  const source = dbSource(db);
  for (const e of source()) return e.seq;
  return null;
}

export function startReplay(db: Db, speed: Speed, post: (m: FromWorker) => void): ReplaySession {
  const config = recordedMetricsConfig(db, firstSeq(db));
  let engine: MetricsEngine = createMetricsEngine(config, { logger: silentLogger });
  let lastOut: { seq: number; out: EngineOutput } | null = null;

  let tickers = new Map<string, RecordedEvent>();
  let metrics: unknown[] = [];
  let alerts: unknown[] = [];
  let gaps: unknown[] = [];
  let points: PricePoint[] = [];
  /** Last price second emitted per instrument, so each recorded second gives one point. */
  const pointSecond = new Map<string, number>();
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
      points,
    });
    tickers = new Map();
    metrics = [];
    alerts = [];
    gaps = [];
    points = [];
  };

  const pricePoint = (e: RecordedEvent) => {
    const v =
      e.kind === 'trade'
        ? Number(e.price)
        : e.kind === 'book_ticker'
          ? (Number(e.bid_price) + Number(e.ask_price)) / 2
          : NaN;
    if (!Number.isFinite(v)) return;
    const key = `${e.exchange}|${e.market}`;
    const second = Math.floor(e.local_ts / 1000);
    if (pointSecond.get(key) === second) {
      // Same second: the newer price replaces the point not yet sent, if any.
      const last = points.findLast(
        (p) => p.exchange === e.exchange && p.market === e.market && Math.floor(p.t / 1000) === second,
      );
      if (last) last.v = v;
      return;
    }
    pointSecond.set(key, second);
    points.push({ exchange: e.exchange, market: e.market, t: e.local_ts, v });
  };

  const player = createReplayPlayer({
    open: dbSource(db),
    speed,
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
        engine = createMetricsEngine(config, { logger: silentLogger });
        pointSecond.clear();
        tickers = new Map();
        metrics = [];
        alerts = [];
        gaps = [];
        points = [];
        post({ type: 'reset' });
      },
      onEvent(e) {
        const out = engine.onEvent(e);
        lastOut = out ? { seq: e.seq, out } : null;
      },
    },
  });

  const done = player
    .run((e) => {
      if (e.kind === 'book_ticker' || e.kind === 'derivative_ticker')
        tickers.set(`${e.exchange}|${e.market}|${e.kind}`, e);
      else if (e.kind === 'gap') gaps.push(e);
      pricePoint(e);
      if (lastOut?.seq === e.seq) {
        metrics.push(...lastOut.out.metrics);
        alerts.push(...lastOut.out.alerts);
      }
    })
    .then(flush);
  return { player, flush, done };
}
