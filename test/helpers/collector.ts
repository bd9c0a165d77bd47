/**
 * Starts the real simulator and the real collector service against it (127.0.0.1, port 0,
 * a temp database) and offers awaitable conditions over committed batches.
 */
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../collector/config.ts';
import type { RelayTuning } from '../../collector/relay/relay.ts';
import { startService, type Service } from '../../collector/daemon.ts';
import { startSimulator } from '../../simulator/index.ts';
import { EXCHANGES, type ExchangeId, type RecordedEvent } from '../../core/events.ts';
import { silentLogger, type Logger } from '../../core/log.ts';

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

export interface Rig {
  sim: Simulator;
  service: Service;
  config: Config;
  /** Resolves with the first committed event matching `pred` (from now on). */
  next(pred: (e: RecordedEvent) => boolean, timeoutMs?: number, what?: string): Promise<RecordedEvent>;
  stop(): Promise<void>;
}

export async function startRig(
  dir: string,
  opts: {
    exchanges?: ExchangeId[];
    rate?: number;
    name?: string;
    tweak?: (c: Config) => void;
    relayTuning?: Partial<RelayTuning>;
    logger?: Logger;
    /** The collector's clock (the simulator keeps the real one). */
    now?: () => number;
  } = {},
): Promise<Rig> {
  const sim = await startSimulator({ port: 0, source: 'synthetic', eventsPerSecond: opts.rate ?? 600, seed: 7 });
  const config = defaultConfig();
  config.db = join(dir, `${opts.name ?? 'rig'}.db`);
  config.http.port = 0;
  config.writer.flushMs = 20;
  config.feed.backoffBaseMs = 50;
  config.feed.backoffCapMs = 500;
  for (const id of EXCHANGES) {
    config.exchanges[id].enabled = (opts.exchanges ?? EXCHANGES).includes(id);
    config.exchanges[id].endpoints = sim.endpoints[id];
  }
  opts.tweak?.(config);
  const service = await startService({
    config,
    logger: opts.logger ?? silentLogger,
    relayTuning: opts.relayTuning,
    now: opts.now,
  });
  return {
    sim,
    service,
    config,
    // The timeout only detects a hang: generous, so a loaded machine is slow rather than failing.
    next(pred, timeoutMs = 30_000, what = 'event') {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const off = service.collector.writer.onCommit((batch) => {
          const hit = batch.find(pred);
          if (hit) {
            clearTimeout(timer);
            off();
            resolve(hit);
          }
        });
      });
    },
    async stop() {
      await service.stop();
      await sim.close();
    },
  };
}
