/**
 * The metrics benchmark: the engine's update cost over a synthetic live-like stream, reported
 * next to a loop that only reads the same events in the same run, so the figure means something
 * on any machine. The clock is passed in (core code does not read time itself).
 */
import type { RecordedEvent } from '../events.ts';
import { silentLogger } from '../log.ts';
import type { MetricsConfig } from './config.ts';
import { createMetricsEngine } from './engine.ts';

export interface BenchResult {
  events: number;
  /** Events per second of the read-only loop and of the engine. */
  readPerSec: number;
  enginePerSec: number;
  /** Engine time / read-loop time. */
  ratio: number;
  rows: number;
  alerts: number;
}

/** A loop that touches what any consumer must: kind, place, time. */
function readOnly(events: readonly RecordedEvent[]): number {
  let acc = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    acc += e.local_ts + e.seq + e.kind.length + e.symbol.length + e.exchange.length;
  }
  return acc;
}

/**
 * Best of `runs` for each loop (a fresh engine each time): the fastest run is the one least
 * disturbed by other processes, the usual way to time on a shared machine.
 */
export function benchMetrics(
  events: readonly RecordedEvent[],
  config: MetricsConfig,
  now: () => number,
  runs = 3,
): BenchResult {
  let read = Infinity;
  let run = Infinity;
  let rows = 0;
  let alerts = 0;
  for (let r = 0; r < runs; r++) {
    let t = now();
    readOnly(events);
    read = Math.min(read, now() - t);

    const engine = createMetricsEngine(config, { logger: silentLogger });
    rows = 0;
    alerts = 0;
    t = now();
    for (let i = 0; i < events.length; i++) {
      const out = engine.onEvent(events[i]);
      if (out) {
        rows += out.metrics.length;
        alerts += out.alerts.length;
      }
    }
    run = Math.min(run, now() - t);
  }
  return {
    events: events.length,
    readPerSec: events.length / (read / 1000),
    enginePerSec: events.length / (run / 1000),
    ratio: run / read,
    rows,
    alerts,
  };
}
