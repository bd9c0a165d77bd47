/** `futuresboard relay`: a stateless relay node of a scale-out deployment (collector/bus/relay-node.ts). */
import { busDefaults, loadConfig, validateConfig } from '../collector/config.ts';
import { startRelayNode } from '../collector/bus/relay-node.ts';
import { runUntilSignal } from '../collector/daemon.ts';
import { parseCommand, portOption } from './kit.ts';
import { createLogger } from './logger.ts';

const SPEC = {
  usage: 'futuresboard relay [--config <file>] [--bus <nats://host:port>] [--host <addr>] [--port <n>]',
  summary:
    'Serve the live websocket relay, /health and /metrics from NATS JetStream (config bus), without a database. ' +
    'Run several behind a TCP load balancer; clients of a node that dies reconnect to another. See docs/scale-out.md.',
  options: {
    config: {
      type: 'string',
      description: 'config file (default: futuresboard.config.json when present, or $FUTURESBOARD_CONFIG)',
      placeholder: 'file',
    },
    bus: { type: 'string', description: 'NATS server URL (overrides config bus.url)', placeholder: 'url' },
    host: { type: 'string', description: 'relay/HTTP bind address (overrides config http.host)', placeholder: 'addr' },
    port: { type: 'string', description: 'relay/HTTP port (overrides config http.port)', placeholder: 'n' },
  },
} as const;

export async function runRelay(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  const v = args.values;
  const config = loadConfig({ path: v.config as string | undefined });
  if (v.bus) config.bus = { ...(config.bus ?? busDefaults()), url: v.bus as string };
  if (v.host) config.http.host = v.host as string;
  config.http.port = portOption(v, 'port', config.http.port);
  validateConfig(config);
  const logger = createLogger('relay');
  const node = await startRelayNode({ config, logger });
  // A refusal the bus will not take back (E_BUS) ends the role with its message, for systemd to log.
  const refused = node.failed.then(async (err) => {
    await node.stop();
    throw err;
  });
  return Promise.race([runUntilSignal(node, logger), refused]);
}
