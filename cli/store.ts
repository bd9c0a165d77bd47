/** `futuresboard store`: the scale-out store role (collector/bus/store-role.ts). */
import { startStoreRole } from '../collector/bus/store-role.ts';
import { BUS_ROLE_OPTIONS, runBusRole } from './bus-role.ts';

const SPEC = {
  usage: 'futuresboard store [--config <file>] [--bus <nats://host:port>] [--host <addr>] [--port <n>]',
  summary:
    "Consume the collectors' event batches from NATS JetStream (config bus) into the recording store (db, store.dir): " +
    'each event once, acknowledged after commit; computes metrics and alerts, delivers webhooks, and serves /health, ' +
    '/metrics, the HTTP API and a relay. Ctrl-C commits the last batch and exits. See docs/scale-out.md.',
  options: BUS_ROLE_OPTIONS,
} as const;

export function runStore(argv: string[]): Promise<number> {
  return runBusRole(argv, SPEC, 'store', startStoreRole);
}
