/**
 * The running system behind `collect` and `demo`: the collector plus everything that consumes
 * its committed batches (relay/HTTP server, metrics and alerts), started and stopped in order.
 */
import { dirname } from 'node:path';
import type { Logger } from '../core/log.ts';
import type { Config } from './config.ts';
import { startCollector, type Collector } from './collector.ts';
import { RECENT_FAILURE_MS } from './recorder.ts';
import type { AlertSink } from './alerts/sink.ts';
import type { StoreStatus } from './store/segments/store.ts';
import type { HealthInput } from './relay/health.ts';
import type { StorageFacts } from './telemetry.ts';
import type { RelayTuning } from './relay/relay.ts';
import { startDaemonServer, type DaemonServer } from './relay/server.ts';
import { fileBytes, freeDiskBytes } from './store/segments/disk.ts';
import { storeHealth } from './store/segments/store-health.ts';
import { VERSION } from './version.ts';

export interface Service {
  collector: Collector;
  server: DaemonServer;
  /** Port the relay/HTTP server listens on. */
  port: number;
  stop(): Promise<void>;
}

/** Webhook health: failures that are current (retrying) or recent (given up within the hour). */
export function deliveryHealth(alerts: AlertSink, now: () => number): HealthInput['alertDelivery'] {
  const s = alerts.stats(now() - RECENT_FAILURE_MS);
  return { pending: s.pending, failed: s.failing, lastError: s.failing ? s.lastError : null };
}

/** Free disk and the recordings folder, for /health and /metrics alike. */
export function storageOf(status: StoreStatus | null, dbPath: string): StorageFacts {
  const store = status && storeHealth(status, dbPath);
  // The tighter of the two filesystems, when the hot database lives outside the recordings folder.
  const free = [freeDiskBytes(dirname(dbPath)), store?.diskFreeBytes ?? null].filter((n) => n !== null);
  return { diskFreeBytes: free.length ? Math.min(...free) : null, store };
}

export function healthInputOf(collector: Collector, now: () => number): HealthInput {
  const feeds = collector.feeds();
  return {
    role: collector.bus ? 'collect' : 'collector',
    bus: collector.bus?.health() ?? null,
    now: now(),
    startedAt: collector.startedAt,
    version: VERSION,
    feeds,
    // A feed that lost data and has not delivered since holds an open gap.
    openGaps: feeds.filter((f) => f.reconnects > 0 && f.state !== 'open').length,
    writerLagMs: collector.writer.lagMs(),
    lastWriteError: collector.writer.lastError?.message ?? null,
    dbBytes: fileBytes(collector.dbPath),
    ...storageOf(collector.store(), collector.dbPath),
    alertDelivery: deliveryHealth(collector.alerts, now),
    notes: collector.planNotes,
  };
}

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  now?: () => number;
  /** Relay limits beyond the config file's (fault tests and benchmarks shorten the heartbeat). */
  relayTuning?: Partial<RelayTuning>;
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const now = opts.now ?? Date.now;
  const collector = await startCollector(opts);
  collector.telemetry.setStorageSource(() => storageOf(collector.store(), collector.dbPath));
  let server: DaemonServer;
  try {
    server = await startDaemonServer({
      http: opts.config.http,
      healthThresholds: opts.config.health,
      telemetry: collector.telemetry,
      logger: opts.logger,
      version: VERSION,
      dbPath: opts.config.db,
      healthInput: () => healthInputOf(collector, now),
      tuning: opts.relayTuning,
      now,
    });
  } catch (err) {
    await collector.stop();
    collector.close();
    throw err;
  }
  collector.writer.onCommit((batch) => server.relay.publishBatch(batch, [collector.metrics.published()]));
  opts.logger.info({ host: opts.config.http.host, port: server.port }, 'relay and HTTP API listening');
  return {
    collector,
    server,
    port: server.port,
    async stop() {
      // Feeds first (no new data), then the writer's last batch (relayed), then the server that
      // reads the database, then the database.
      try {
        await collector.stop();
      } finally {
        await server.close();
        collector.close();
      }
    },
  };
}

/** Run until SIGINT/SIGTERM, then stop cleanly (the last batch is committed). */
export function runUntilSignal(service: Pick<Service, 'stop'>, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      service.stop().then(
        () => resolve(0),
        (err) => {
          logger.error({ err }, 'error while stopping');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
