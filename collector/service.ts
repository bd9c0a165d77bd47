/**
 * The running system behind `collect` and `demo`: the collector plus everything that consumes
 * its committed batches (relay/HTTP server, metrics and alerts), started and stopped in order.
 */
import type { Logger } from '../replay/core/log.ts';
import type { Config } from './config.ts';
import { startCollector, type Collector } from './daemon.ts';

export interface Service {
  collector: Collector;
  /** Port the relay/HTTP server listens on. */
  port: number | null;
  stop(): Promise<void>;
}

export async function startService(opts: { config: Config; logger: Logger; now?: () => number }): Promise<Service> {
  const collector = await startCollector(opts);
  return {
    collector,
    port: null,
    async stop() {
      await collector.stop();
    },
  };
}

/** Run until SIGINT/SIGTERM, then stop cleanly (the last batch is committed). */
export function runUntilSignal(service: Service, logger: Logger): Promise<number> {
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
