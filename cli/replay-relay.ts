/**
 * A replay served on the live relay protocol: the daemon's own relay/HTTP server fed by the
 * replay player instead of the collector. Events go out in batches (one per turn of the event
 * loop, like the writer's commit batches), followed by the metric rows and alerts the metrics
 * engine computed from them with the recording's own settings. A seek warms the engine silently.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../collector/config.ts';
import type { HealthInput } from '../collector/relay/health.ts';
import { startDaemonServer } from '../collector/relay/server.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import { openRecordingFile } from '../replay/adapters/recording-file.ts';
import type { ExchangeId, RecordedEvent } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { createMetricsEngine } from '../core/metrics/engine.ts';
import type { EngineOutput } from '../core/metrics/types.ts';
import { createReplayPlayer, type PlayerStatus, type ReplayPlayer } from '../replay/player/player.ts';
import { dbSource, readEvents, type ReplayFilter } from '../replay/player/read-events.ts';
import { recordedMetricsConfig } from '../replay/player/recorded-metrics-config.ts';
import { INTERACTIVE_MAX_IDLE_MS, type Speed } from '../replay/player/speed.ts';
import { nodeScheduler } from '../replay/adapters/node-scheduler.ts';

export interface ReplayRelayOptions {
  dbPath: string;
  filter: ReplayFilter;
  speed: Speed;
  /** http (host, port, origins, token, limits) and health thresholds. */
  config: Pick<Config, 'http' | 'health'>;
  logger: Logger;
  /** Wait for player.resume() before the first event (lets watchers connect first). */
  startPaused?: boolean;
}

export interface ReplayRelay {
  port: number;
  player: ReplayPlayer;
  /** Resolves when the replay has played to its end (or was stopped). */
  finished: Promise<PlayerStatus>;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export async function startReplayRelay(opts: ReplayRelayOptions): Promise<ReplayRelay> {
  const { logger } = opts;
  const db = openRecordingFile(opts.dbPath);
  let firstSeq: number | null = null;
  for (const e of readEvents(db, opts.filter)) {
    firstSeq = e.seq;
    break;
  }
  const metricsConfig = recordedMetricsConfig(db, firstSeq);
  const telemetry = createTelemetry();
  const startedAt = Date.now();
  /** Wall time of the last event replayed per exchange: the replay's "feeds" for /health. */
  const lastData = new Map<ExchangeId, number>();
  const healthInput = (): HealthInput => ({
    now: Date.now(),
    startedAt,
    version: VERSION,
    feeds: [...lastData].map(([exchange, at]) => ({
      exchange,
      stream: 'replay',
      connection: `${exchange}/replay`,
      state: 'open' as const,
      lastDataAt: at,
      reconnects: 0,
      lastError: null,
    })),
    openGaps: 0,
    writerLagMs: 0,
    lastWriteError: null,
    dbBytes: statSync(opts.dbPath).size,
    diskFreeBytes: null,
    alertDelivery: { pending: 0, failed: 0, lastError: null },
  });
  const server = await startDaemonServer({
    http: opts.config.http,
    healthThresholds: opts.config.health,
    telemetry,
    logger,
    version: VERSION,
    dbPath: opts.dbPath,
    healthInput,
  });

  let engine = createMetricsEngine(metricsConfig, { logger });
  /** The engine's output for the event it saw last: published only if that event is emitted. */
  let lastOut: { seq: number; out: EngineOutput } | null = null;
  let events: RecordedEvent[] = [];
  let outputs: EngineOutput[] = [];
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    server.relay.publishBatch(events, outputs);
    events = [];
    outputs = [];
  };
  const player = createReplayPlayer({
    open: dbSource(db, opts.filter),
    scheduler: nodeScheduler(async () => flush()),
    speed: opts.speed,
    maxIdleMs: INTERACTIVE_MAX_IDLE_MS,
    derived: {
      reset: () => void (engine = createMetricsEngine(metricsConfig, { logger })),
      onEvent(e) {
        const out = engine.onEvent(e);
        lastOut = out ? { seq: e.seq, out } : null;
      },
    },
  });
  if (opts.startPaused) player.pause();
  const finished = player.run((e) => {
    events.push(e);
    if (lastOut?.seq === e.seq) outputs.push(lastOut.out);
    lastData.set(e.exchange, Date.now());
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  });
  finished.then(flush, (err: Error) => logger.error({ err: err.message }, 'replay failed'));

  return {
    port: server.port,
    player,
    finished,
    async close() {
      player.stop();
      await finished.catch(() => undefined);
      await server.close();
      telemetry.stop();
      db.close();
    },
  };
}
