/**
 * What `futuresboard store` and `futuresboard relay` share: the config with the command line's
 * overrides, the role started, and its end: a signal (a clean stop) or the bus refusing the role
 * (E_BUS, the command exits with its message for systemd to log).
 */
import { busDefaults, loadConfig, validateConfig, type Config } from '../collector/config.ts';
import { runUntilSignal } from '../collector/daemon.ts';
import type { FbError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { parseCommand, portOption, type CommandSpec } from './kit.ts';
import { createLogger } from './logger.ts';

/** The options every bus role takes. */
export const BUS_ROLE_OPTIONS = {
  config: {
    type: 'string',
    description: 'config file (default: futuresboard.config.json when present, or $FUTURESBOARD_CONFIG)',
    placeholder: 'file',
  },
  bus: { type: 'string', description: 'NATS server URL (overrides config bus.url)', placeholder: 'url' },
  host: { type: 'string', description: 'HTTP bind address (overrides config http.host)', placeholder: 'addr' },
  port: { type: 'string', description: 'HTTP port (overrides config http.port)', placeholder: 'n' },
} as const;

export interface BusRole {
  failed: Promise<FbError>;
  stop(): Promise<void>;
}

export async function runBusRole(
  argv: string[],
  spec: CommandSpec,
  name: 'store' | 'relay',
  start: (o: { config: Config; logger: Logger }) => Promise<BusRole>,
): Promise<number> {
  const args = parseCommand(argv, spec);
  if (!args) return 0;
  const v = args.values;
  const config = loadConfig({ path: v.config as string | undefined });
  if (v.bus) config.bus = { ...(config.bus ?? busDefaults()), url: v.bus as string };
  if (v.host) config.http.host = v.host as string;
  config.http.port = portOption(v, 'port', config.http.port);
  validateConfig(config);
  const logger = createLogger(name);
  const role = await start({ config, logger });
  const refused = role.failed.then(async (err) => {
    await role.stop();
    throw err;
  });
  return Promise.race([runUntilSignal(role, logger), refused]);
}
