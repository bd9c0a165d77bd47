/**
 * Live metrics and alerts: the core engine runs on every event inside the writer's
 * transaction, in `seq` order, so the metric rows and alerts are committed together with the
 * events that produced them and `futuresboard metrics verify` can recompute them bit for bit.
 */
import type Database from 'better-sqlite3';
import { gapEvent, type MarketEvent, type RecordedEvent } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { resolveMetricsConfig, type MetricsConfig } from '../core/metrics/config.ts';
import { createMetricsEngine, type MetricsEngine } from '../core/metrics/engine.ts';
import { recordMetricsConfig, writeEngineOutput } from '../core/metrics/store.ts';
import type { AlertRecord, MetricRow } from '../core/metrics/types.ts';
import { wrapNodeDb } from '../replay/adapters/node-sqlite.ts';
import { maxSeq } from './store/insert.ts';

export interface LiveMetrics {
  readonly config: MetricsConfig;
  /** Runs inside the write transaction; keeps what it produced for `published()`. */
  inTransaction(batch: RecordedEvent[]): void;
  /** Rows and alerts of the last committed batch (with alert ids), for the relay and webhooks. */
  published(): { metrics: MetricRow[]; alerts: (AlertRecord & { id: number })[] };
  /** The transaction failed: start again from an empty engine, marked by a restart gap. */
  reset(firstPending: MarketEvent | undefined): MarketEvent | null;
}

export function createLiveMetrics(
  db: Database.Database,
  overrides: unknown,
  logger: Logger,
  now: () => number,
  /** Queues new alerts for webhooks, in the same transaction as the alerts themselves. */
  enqueue: (alertIds: number[]) => void = () => {},
): LiveMetrics {
  const config = resolveMetricsConfig(overrides);
  const port = wrapNodeDb(db);
  recordMetricsConfig(port, config, maxSeq(db) + 1, now());
  let engine: MetricsEngine = createMetricsEngine(config, { logger });
  let metrics: MetricRow[] = [];
  let alerts: (AlertRecord & { id: number })[] = [];
  return {
    config,
    inTransaction(batch) {
      metrics = [];
      alerts = [];
      for (const e of batch) {
        const out = engine.onEvent(e);
        if (!out) continue;
        const ids = writeEngineOutput(port, out);
        if (ids.length) enqueue(ids);
        metrics.push(...out.metrics);
        out.alerts.forEach((a, i) => alerts.push({ ...a, id: ids[i] }));
      }
    },
    published: () => ({ metrics, alerts }),
    reset(first) {
      engine = createMetricsEngine(config, { logger });
      if (!first) return null;
      const t = first.local_ts;
      return gapEvent({ exchange: first.exchange, stream: '*', start_ts: t, end_ts: t, cause: 'restart' });
    },
  };
}
