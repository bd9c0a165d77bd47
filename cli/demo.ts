/**
 * `futuresboard demo`: the whole system offline. The local simulator speaks the three real
 * exchange protocols; the real collector connects to it exactly as it would to the exchanges
 * (only the base URLs differ), records into the recordings folder data/recordings (hot.db,
 * closed segments, catalog.json), and serves the relay and HTTP API on 127.0.0.1:8787; the static
 * site is served on 127.0.0.1:4321.
 */
import { join } from 'node:path';
import { numberOption, parseCommand, portOption } from './kit.ts';
import { createLogger } from './logger.ts';
import { EXCHANGES } from '../core/events.ts';
import { loadConfig, validateConfig } from '../collector/config.ts';
import { runUntilSignal, startService } from '../collector/daemon.ts';
import { startSimulator } from '../simulator/index.ts';
import { serveSite } from '../collector/site/serve-site.ts';

/** The demo records a recordings folder even when the config (or no config) has none. */
const DEMO_STORE_DIR = 'data/recordings';

const SPEC = {
  usage:
    'futuresboard demo [--config <file>] [--db <file>] [--port <n>] [--site-port <n>] [--sim-port <n>] [--rate <events/s>] [--no-site]',
  summary:
    'Run the simulator, the collector, the relay and the site together on this machine, with no internet and no accounts. ' +
    'Ctrl-C commits the last batch and exits.',
  options: {
    config: {
      type: 'string',
      description: 'config file (its exchange endpoints are replaced by the simulator)',
      placeholder: 'file',
    },
    db: {
      type: 'string',
      description: `hot database to write (default: <store.dir>/hot.db; store.dir is ${DEMO_STORE_DIR} unless the config sets it)`,
      placeholder: 'file',
    },
    port: { type: 'string', description: 'relay/HTTP port (default: the config http.port, 8787)', placeholder: 'n' },
    'site-port': { type: 'string', description: 'static site port', placeholder: 'n', default: '4321' },
    'sim-port': { type: 'string', description: 'simulator port (0 = any free port)', placeholder: 'n', default: '0' },
    rate: {
      type: 'string',
      description: 'simulated events per second across all markets',
      placeholder: 'n',
      default: '300',
    },
    'no-site': { type: 'boolean', description: 'do not serve the site' },
  },
} as const;

/**
 * Metrics settings that warm up within a minute, so a demo shows alerts quickly; tiers 3-5
 * look at 1-minute changes instead of 15 (a demo session is short).
 */
const DEMO_METRICS = {
  bucketMs: 2000,
  warmupBuckets: 10,
  zWindowBuckets: 60,
  alerts: { tier3: { timeframe: '1m' }, tier4: { timeframe: '1m' }, tier5: { timeframe: '1m' } },
};

export async function runDemo(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  const v = args.values;
  const logger = createLogger('demo');
  const config = loadConfig({ path: v.config as string | undefined });
  if (config.store.dir === null) {
    config.store.dir = DEMO_STORE_DIR;
    config.db = join(DEMO_STORE_DIR, 'hot.db');
  }
  if (v.db) config.db = v.db as string;
  config.http.port = portOption(v, 'port', config.http.port);
  config.metrics = { ...DEMO_METRICS, ...config.metrics };
  validateConfig(config);
  // Every option is read before anything starts, so a bad one never leaves a half-started demo.
  const simPort = portOption(v, 'sim-port', 0);
  const sitePort = portOption(v, 'site-port', 4321);
  const rate = numberOption(v, 'rate', 300, 1);
  const sim = await startSimulator({ port: simPort, source: 'synthetic', eventsPerSecond: rate });
  for (const id of EXCHANGES) {
    config.exchanges[id].enabled = true;
    config.exchanges[id].endpoints = sim.endpoints[id];
  }
  // The simulator answers at once: reconnects should too.
  config.feed.backoffBaseMs = 200;
  config.feed.backoffCapMs = 5000;
  const service = await startService({ config, logger }).catch(async (err) => {
    await sim.close();
    throw err;
  });
  const site = v['no-site']
    ? null
    : await serveSite({ port: sitePort, logger }).catch(async (err) => {
        await service.stop();
        await sim.close();
        throw err;
      });
  process.stderr.write(
    `futuresboard demo running\n` +
      `  simulator  http://127.0.0.1:${sim.port}\n` +
      `  relay      ws://127.0.0.1:${service.port}/   health http://127.0.0.1:${service.port}/health\n` +
      (site ? `  site       http://127.0.0.1:${site.port}/\n` : '') +
      `  recordings ${config.store.dir} (hot database ${config.db})\n` +
      `Ctrl-C to stop.\n`,
  );
  const code = await runUntilSignal(
    {
      ...service,
      async stop() {
        await service.stop();
        await site?.close();
        await sim.close();
      },
    },
    logger,
  );
  return code;
}
