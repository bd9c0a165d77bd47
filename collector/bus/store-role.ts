/**
 * `futuresboard store`: the durable JetStream consumer that writes the recording store. Messages
 * go through BusIngest into the same recording pipeline `collect` uses (segments, catalog,
 * retention, metrics, alerts, webhooks); each is acknowledged after the transaction holding it
 * commits. After each commit the batch's metric rows and alerts are published on the derived
 * stream for relay nodes. /health, /metrics, the HTTP API and a relay serve on http.port.
 */
import { AckPolicy, DeliverPolicy, type Consumer, type ConsumerMessages } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { DERIVED_SUBJECTS, decodeEventBatch, decodeInstruments, isInstrumentsSubject } from '../../core/bus-message.ts';
import { saveMarkets } from '../store/markets.ts';
import type { Logger } from '../../core/log.ts';
import type { Config } from '../config.ts';
import type { BusConfig } from '../config/schema.ts';
import { deliveryHealth, storageOf } from '../daemon.ts';
import type { HealthInput } from '../relay/health.ts';
import { startDaemonServer, type DaemonServer } from '../relay/server.ts';
import { fileBytes } from '../store/segments/disk.ts';
import { createTelemetry } from '../telemetry.ts';
import { VERSION } from '../version.ts';
import { connectBus, requireBus, runOnBus, watchLag, type Connected } from './link.ts';
import { openStoreIntake } from './store-intake.ts';
import type { FbError } from '../../core/errors.ts';

export interface StoreRole {
  port: number;
  server: DaemonServer;
  /** Resolves when the bus refuses the consumer for good (E_BUS): the role cannot work. */
  failed: Promise<FbError>;
  stop(): Promise<void>;
}

/** Un-acknowledged messages are re-sent after this long (a restart re-reads them at once anyway). */
const ACK_WAIT_MS = 30_000;
/**
 * Bytes requested from the server at once. The loop below decodes and writes buffered messages
 * without reading the socket; 1,000 messages of up to 1,000 events (~250 KB each) outran the
 * server's 64 MB per-client limit, which cut the store off as a slow consumer mid-backlog.
 */
const PULL_MAX_BYTES = 16 * 1024 * 1024;
/** Messages delivered and not yet acknowledged at once: the writer's batches stay full. */
const MAX_ACK_PENDING = 20_000;
/**
 * A message ahead of its chain waits this long for the ones before it (re-sent by a collector
 * once the bus is back) before the hole is recorded as a gap: longer than JetStream's ack wait.
 */
const HOLD_MS = 5 * 60_000;
const HOLD_CHECK_MS = 5000;

/**
 * The durable consumer, re-created from its acknowledgement floor: whatever a killed store had
 * received but not acknowledged comes again right away and in stream order, instead of after the
 * ack wait, behind newer messages. One store per consumer name.
 */
async function openConsumer(c: Connected, bus: BusConfig): Promise<Consumer> {
  const stream = bus.stream.name;
  let startSeq = 0;
  try {
    const info = await c.jsm.consumers.info(stream, bus.consumer);
    startSeq = info.ack_floor.stream_seq + 1;
    await c.jsm.consumers.delete(stream, bus.consumer);
  } catch (err) {
    if (!/consumer not found/i.test((err as Error).message)) throw err;
  }
  await c.jsm.consumers.add(stream, {
    durable_name: bus.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: MAX_ACK_PENDING,
    ...(bus.subjects.length === 1 ? { filter_subject: bus.subjects[0] } : { filter_subjects: bus.subjects }),
    ...(startSeq > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
      : { deliver_policy: DeliverPolicy.All }),
  });
  return c.js.consumers.get(stream, bus.consumer);
}

export async function startStoreRole(opts: { config: Config; logger: Logger; now?: () => number }): Promise<StoreRole> {
  const { config, logger } = opts;
  const bus = requireBus(config, 'store');
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const telemetry = createTelemetry();
  const { recorder, ingest } = openStoreIntake({ config, logger, telemetry, now, holdMs: HOLD_MS });
  const { db, writer } = recorder;
  const holdTimer = setInterval(() => ingest.expireHeld(), HOLD_CHECK_MS);
  holdTimer.unref();
  const link = connectBus(bus, logger, `futuresboard store ${bus.consumer}`);
  let lag = 0;
  telemetry.setBusSource(() => ({ connected: link.connected(), lag }));
  telemetry.setStorageSource(() => storageOf(recorder.segments?.status() ?? null, config.db));
  const healthInput = (): HealthInput => ({
    role: 'store',
    bus: link.health(lag, 'messages', bus.consumer),
    now: now(),
    startedAt,
    version: VERSION,
    feeds: [],
    openGaps: 0,
    writerLagMs: writer.lagMs(),
    lastWriteError: writer.lastError?.message ?? null,
    dbBytes: fileBytes(config.db),
    ...storageOf(recorder.segments?.status() ?? null, config.db),
    alertDelivery: deliveryHealth(recorder.alerts, now),
    notes: ingest.heldCount ? [`${ingest.heldCount} bus messages held for earlier ones`] : [],
  });
  let server: DaemonServer;
  try {
    server = await startDaemonServer({
      http: config.http,
      healthThresholds: config.health,
      telemetry,
      logger,
      version: VERSION,
      dbPath: config.db,
      healthInput,
      now,
    });
  } catch (err) {
    await recorder.stop();
    db.close();
    throw err;
  }
  recorder.start();

  let connected: Connected | null = null;
  writer.onCommit((batch) => {
    const out = recorder.metrics.published();
    server.relay.publishBatch(batch, [out]);
    if (!connected) return;
    for (const [key, subject] of Object.entries(DERIVED_SUBJECTS) as ['metrics' | 'alerts', string][]) {
      if (!out[key].length) continue;
      connected.js.publish(subject, JSON.stringify({ v: 1, [key]: out[key] })).catch((err: Error) => {
        telemetry.busMessages.inc({ outcome: 'failed' });
        logger.debug({ err: err.message }, 'bus: derived output not published');
      });
    }
  });

  let stopping = false;
  let messages: ConsumerMessages | null = null;
  const consume = async (): Promise<void> => {
    connected = await link.ready;
    const consumer = await openConsumer(connected, bus);
    logger.info(
      { bus: link.url, stream: bus.stream.name, consumer: bus.consumer, subjects: bus.subjects },
      'store consuming',
    );
    const stopLag = watchLag(consumer, (n) => (lag = n));
    try {
      messages = await consumer.consume({ max_bytes: PULL_MAX_BYTES });
      for await (const m of messages) {
        if (stopping) break;
        let msg: ReturnType<typeof decodeEventBatch>;
        try {
          if (isInstrumentsSubject(m.subject)) {
            saveMarkets(db, decodeInstruments(m.string()).instruments, now());
            m.ack();
            continue;
          }
          msg = decodeEventBatch(m.string());
        } catch (err) {
          telemetry.busMessages.inc({ outcome: 'rejected' });
          logger.error(
            { subject: m.subject, streamSeq: m.seq, err: (err as Error).message },
            'bus: malformed message dropped',
          );
          m.term();
          continue;
        }
        ingest.receive({ msg, ack: () => m.ack() });
        // While the database refuses writes the writer keeps what it has; take no more until it commits.
        while (writer.lastError && !stopping) await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      stopLag();
    }
  };
  let consuming: Promise<void> = Promise.resolve();
  const failed = runOnBus(() => (consuming = consume()), {
    bus,
    logger,
    what: 'store: consuming',
    stopping: () => stopping,
  });

  return {
    port: server.port,
    server,
    failed,
    async stop() {
      stopping = true;
      clearInterval(holdTimer);
      messages?.stop();
      // Waiting for the bus (never connected) is not worth waiting for.
      await Promise.race([consuming.catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
      try {
        // The last batch commits and its messages are acknowledged before the link closes.
        await recorder.stop();
        logger.info({ rows: writer.committedRows }, 'store stopped; last batch committed');
      } finally {
        await link.close();
        await server.close();
        telemetry.stop();
        db.close();
      }
    },
  };
}
