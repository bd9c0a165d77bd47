/**
 * The recording pipeline every writing role shares: the store (one file, or the hot database of a
 * recordings folder with its segment lifecycle), the single writer, live metrics and alerts inside
 * its transactions, and webhook delivery. The collector feeds it from exchanges; the scale-out
 * `store` role feeds it from the bus (collector/bus/store-role.ts).
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../core/log.ts';
import { wrapNodeDb } from '../replay/adapters/node-sqlite.ts';
import { createAlertSink, type AlertSink } from './alerts/sink.ts';
import type { Config } from './config.ts';
import { SEGMENT_MS } from './config/schema.ts';
import { createLiveMetrics, type LiveMetrics } from './live-metrics.ts';
import { openStore } from './store/open.ts';
import { SegmentStore } from './store/segments/store.ts';
import { EventWriter } from './store/writer.ts';
import type { Telemetry } from './telemetry.ts';
import { VERSION } from './version.ts';
import type { RecordedEvent } from '../core/events.ts';

export interface Recorder {
  db: Database.Database;
  /** The recordings folder's lifecycle (null without store.dir: one database file). */
  segments: SegmentStore | null;
  alerts: AlertSink;
  metrics: LiveMetrics;
  writer: EventWriter;
  /** Starts webhook delivery and the segment lifecycle. */
  start(): void;
  /** Commits the last batch, then stops the segment lifecycle and webhook delivery. */
  stop(): Promise<void>;
}

/** A webhook given up on degrades /health for this long. */
export const RECENT_FAILURE_MS = 3600_000;

export interface RecorderOptions {
  config: Config;
  logger: Logger;
  telemetry: Telemetry;
  now: () => number;
  /** Also written inside each write transaction, after the metrics (the store role's bus positions). */
  inTransaction?: (batch: RecordedEvent[]) => void;
}

export function openRecorder(opts: RecorderOptions): Recorder {
  const { config, logger, telemetry, now } = opts;
  const db = openStore(config.db, now);
  let segments: SegmentStore | null = null;
  try {
    // Finishes what a crash left of a rollover before the first new row is written.
    segments = config.store.dir
      ? new SegmentStore({
          db,
          hotPath: config.db,
          dir: config.store.dir,
          segment: config.store.segment,
          periodMs: SEGMENT_MS[config.store.segment],
          maxAgeMs: config.store.retain.maxAge,
          maxBytes: config.store.retain.maxBytes,
          codeVersion: VERSION,
          // Small bites: deleting 20,000 rows in one write transaction stalled ingest ~40 ms right
          // after each close; 2,500 per 50 ms batch still purges 50,000 rows/s, above any ingest rate.
          purgeRows: Math.max(2_000, Math.floor(config.writer.flushRows / 2)),
          logger,
          now,
        })
      : null;
  } catch (err) {
    db.close();
    throw err;
  }
  const sink = createAlertSink({ db: wrapNodeDb(db), targets: config.webhooks, fetch, now, logger });
  telemetry.setAlertDeliveryStats(() => sink.stats(now() - RECENT_FAILURE_MS));
  const metrics = createLiveMetrics(db, config.metrics, logger, now, (ids) => sink.enqueue(ids));
  const writer = new EventWriter(db, {
    flushMs: config.writer.flushMs,
    flushRows: config.writer.flushRows,
    maxPendingRows: config.writer.maxPendingRows,
    logger,
    now,
    inTransaction: (batch) => {
      metrics.inTransaction(batch);
      opts.inTransaction?.(batch);
    },
    onRollback: (err, first) => {
      telemetry.writeErrors.inc({ code: (err as { code?: string }).code ?? 'unknown' });
      return metrics.reset(first);
    },
    onBatchTimed: (s) => telemetry.writeBatch.observe(s),
    onDropGap: (gap) => telemetry.gaps.inc({ exchange: gap.exchange, cause: gap.cause }),
    periods: segments?.periods,
    seqFloor: segments?.seqFloor,
  });
  telemetry.setWriterLagSource(() => writer.lagMs());
  writer.onCommit((batch) => {
    for (const e of batch) telemetry.events.inc({ exchange: e.exchange, kind: e.kind });
    const { alerts } = metrics.published();
    for (const a of alerts) telemetry.alerts.inc({ tier: String(a.tier) });
    if (alerts.length) sink.kick();
    // The durability contract, observable: every seq up to lastSeq is on disk.
    logger.debug({ rows: batch.length, lastSeq: batch[batch.length - 1]?.seq }, 'batch committed');
  });
  return {
    db,
    segments,
    alerts: sink,
    metrics,
    writer,
    start() {
      sink.start();
      segments?.start(writer);
    },
    async stop() {
      try {
        writer.close();
      } finally {
        // A close in flight may finish; the next start redoes any that did not.
        await segments?.stop();
        await sink.stop();
      }
    },
  };
}
