/** `futuresboard store`: the scale-out store role (collector/bus/store-role.ts). */
import { busDefaults, loadConfig, validateConfig } from '../collector/config.ts';
import { startStoreRole } from '../collector/bus/store-role.ts';
import { runUntilSignal } from '../collector/daemon.ts';
import { parseCommand, portOption } from './kit.ts';
import { createLogger } from './logger.ts';

const SPEC = {
  usage: 'futuresboard store [--config <file>] [--bus <nats://host:port>] [--host <addr>] [--port <n>]',
  summary:
    "Consume the collectors' event batches from NATS JetStream (config bus) into the recording store (db, store.dir): " +
    'each event once, acknowledged after commit; computes metrics and alerts, delivers webhooks, and serves /health, ' +
    '/metrics, the HTTP API and a relay. Ctrl-C commits the last batch and exits. See docs/scale-out.md.',
  options: {
    config: {
      type: 'string',
      description: 'config file (default: futuresboard.config.json when present, or $FUTURESBOARD_CONFIG)',
      placeholder: 'file',
    },
    bus: { type: 'string', description: 'NATS server URL (overrides config bus.url)', placeholder: 'url' },
    host: { type: 'string', description: 'HTTP bind address (overrides config http.host)', placeholder: 'addr' },
    port: { type: 'string', description: 'HTTP port (overrides config http.port)', placeholder: 'n' },
  },
} as const;

export async function runStore(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  const v = args.values;
  const config = loadConfig({ path: v.config as string | undefined });
  if (v.bus) config.bus = { ...(config.bus ?? busDefaults()), url: v.bus as string };
  if (v.host) config.http.host = v.host as string;
  config.http.port = portOption(v, 'port', config.http.port);
  validateConfig(config);
  const logger = createLogger('store');
  const role = await startStoreRole({ config, logger });
  // A refusal the bus will not take back (E_BUS) ends the role with its message, for systemd to log.
  const refused = role.failed.then(async (err) => {
    await role.stop();
    throw err;
  });
  return Promise.race([runUntilSignal(role, logger), refused]);
}
