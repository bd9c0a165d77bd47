/**
 * Child process of the scale-out benchmark: one store role or relay node (the real
 * startStoreRole / startRelayNode), so each has an event loop of its own, as on its own machine.
 * Forked with IPC by bench/scale-out-roles.ts; argv: the role, then its config as JSON.
 * Errors go to stderr (a clean run prints none); the rest is dropped (at start, before the bus
 * is connected, /health warns that it is down).
 */
import { startRelayNode } from '../collector/bus/relay-node.ts';
import { startStoreRole } from '../collector/bus/store-role.ts';
import { configSchema } from '../collector/config/schema.ts';
import type { Logger } from '../core/log.ts';

export type RoleName = 'store' | 'relay';
export type RoleCommand = { cmd: 'cpu' } | { cmd: 'stop' };
export type RoleReply =
  | { reply: 'started'; port: number }
  /** The process's CPU time so far (ms). */
  | { reply: 'cpu'; ms: number }
  | { reply: 'stopped' }
  | { reply: 'failed'; message: string };

const [role, configJson] = process.argv.slice(2) as [RoleName, string];
const say =
  (level: string) =>
  (obj: object, msg?: string): void => {
    process.stderr.write(`bench ${role} ${level}: ${msg ?? ''} ${JSON.stringify(obj)}\n`);
  };
const logger: Logger = { debug() {}, info() {}, warn() {}, error: say('error') };
const reply = (r: RoleReply, then?: () => void) => process.send!(r, undefined, undefined, then);

try {
  const config = configSchema.parse(JSON.parse(configJson));
  const running =
    role === 'store'
      ? await startStoreRole({ config, logger })
      : await startRelayNode({ config, logger, tuning: { maxClients: 5000 } });
  process.on('message', (m: RoleCommand) => {
    if (m.cmd === 'cpu') {
      const { user, system } = process.cpuUsage();
      reply({ reply: 'cpu', ms: (user + system) / 1000 });
    } else {
      running.stop().then(
        // Exits even if a library left a handle open: the role's own stop is what matters here.
        () => reply({ reply: 'stopped' }, () => process.exit(0)),
        (err: Error) => reply({ reply: 'failed', message: err.message }),
      );
    }
  });
  reply({ reply: 'started', port: running.port });
} catch (err) {
  reply({ reply: 'failed', message: (err as Error).message });
}
