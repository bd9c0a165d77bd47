/**
 * A replay served on the live relay protocol: the daemon's own relay/HTTP server fed by the
 * replay player instead of the collector. Events go out in batches (one per turn of the event
 * loop, like the writer's commit batches), followed by the metric rows and alerts the metrics
 * engine computed from them with the recording's own settings. A seek warms the engine silently.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../collector/config.ts';
import type { HealthInput } from '../collector/relay/health.ts';
import { startDaemonServer } from '../collector/relay/server.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import { VERSION } from '../collector/version.ts';
import type { ExchangeId, RecordedEvent } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { createMetricsEngine } from '../core/metrics/engine.ts';
import type { EngineOutput } from '../core/metrics/types.ts';
import { createReplayPlayer, type PlayerStatus, type ReplayPlayer } from '../replay/player/player.ts';
import { metricsConfigAtStart, recordingSource, type Recording } from '../replay/player/parts.ts';
import type { ReplayFilter } from '../replay/player/read-events.ts';
import { INTERACTIVE_MAX_IDLE_MS, type Speed } from '../replay/player/speed.ts';
import { nodeScheduler } from '../replay/adapters/node-scheduler.ts';

export interface ReplayRelayOptions {
  recording: Recording;
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

/** The file the HTTP API (/api/*, /snapshot.sqlite) reads: the recording's last part, when it is a file. */
function servedFile(rec: Recording): string | undefined {
  const last = rec.parts.at(-1);
  return last && (!last.entry || last.entry.open) ? last.name : undefined;
}

/** Bytes on disk: closed segments as catalogued, files as they are now. */
const recordingBytes = (rec: Recording): number =>
  rec.parts.reduce((sum, p) => sum + (p.entry && !p.entry.open ? p.entry.bytes : statSync(p.name).size), 0);

export async function startReplayRelay(opts: ReplayRelayOptions): Promise<ReplayRelay> {
  const { logger, recording } = opts;
  const metricsConfig = metricsConfigAtStart(recording, opts.filter);
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
    dbBytes: recordingBytes(recording),
    diskFreeBytes: null,
    alertDelivery: { pending: 0, failed: 0, lastError: null },
  });
  const server = await startDaemonServer({
    http: opts.config.http,
    healthThresholds: opts.config.health,
    telemetry,
    logger,
    version: VERSION,
    // A folder without a hot database has no file to serve: the API then answers "unavailable".
    dbPath: servedFile(recording) ?? join(recording.name, 'no-hot-database.db'),
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
    open: recordingSource(recording, opts.filter),
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
    },
  };
}
