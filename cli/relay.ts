/** `futuresboard relay`: a stateless relay node of a scale-out deployment (collector/bus/relay-node.ts). */
import { startRelayNode } from '../collector/bus/relay-node.ts';
import { BUS_ROLE_OPTIONS, runBusRole } from './bus-role.ts';

const SPEC = {
  usage: 'futuresboard relay [--config <file>] [--bus <nats://host:port>] [--host <addr>] [--port <n>]',
  summary:
    'Serve the live websocket relay, /health and /metrics from NATS JetStream (config bus), without a database. ' +
    'Run several behind a TCP load balancer; clients of a node that dies reconnect to another. See docs/scale-out.md.',
  options: BUS_ROLE_OPTIONS,
} as const;

export function runRelay(argv: string[]): Promise<number> {
  return runBusRole(argv, SPEC, 'relay', startRelayNode);
}
