/**
 * `futuresboard relay`: a stateless relay node. It reads the collectors' event stream and the
 * store's derived stream with ordered consumers, starting `bus.relayWarmup` back so the snapshots
 * new clients get are filled, and serves the usual websocket protocol, /health and /metrics. It
 * has no database: N nodes behind a TCP load balancer are interchangeable.
 */
import { DeliverPolicy, type Consumer } from '@nats-io/jetstream';
import { decodeDerived, decodeEventBatch, isInstrumentsSubject } from '../../core/bus-message.ts';
import type { Logger } from '../../core/log.ts';
import type { Config } from '../config.ts';
import { NOTHING_RECORDED, type HealthInput } from '../relay/health.ts';
import type { RelayTuning } from '../relay/relay.ts';
import { startDaemonServer, type DaemonServer } from '../relay/server.ts';
import { createTelemetry, type Telemetry } from '../telemetry.ts';
import { VERSION } from '../version.ts';
import { connectBus, requireBus, runOnBus, watchLag, type Connected } from './link.ts';
import type { FbError } from '../../core/errors.ts';

export interface RelayNode {
  port: number;
  server: DaemonServer;
  /** Resolves when the bus refuses to let the node read its streams (E_BUS). */
  failed: Promise<FbError>;
  stop(): Promise<void>;
}

/** Reads a whole stream from `startMs` on, in order, handing each message's text to `handle`. */
async function follow(
  c: Connected,
  stream: string,
  startMs: number,
  handle: (text: string, subject: string) => void,
  telemetry: Telemetry,
  logger: Logger,
  isStopping: () => boolean,
): Promise<Consumer> {
  const consumer = await c.js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(startMs).toISOString(),
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) {
      if (isStopping()) break;
      try {
        handle(m.string(), m.subject);
      } catch (err) {
        telemetry.busMessages.inc({ outcome: 'rejected' });
        logger.error({ subject: m.subject, err: (err as Error).message }, 'bus: malformed message skipped');
      }
    }
  })();
  return consumer;
}

export async function startRelayNode(opts: {
  config: Config;
  logger: Logger;
  now?: () => number;
  tuning?: Partial<RelayTuning>;
}): Promise<RelayNode> {
  const { config, logger } = opts;
  const bus = requireBus(config, 'relay');
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const telemetry = createTelemetry();
  const link = connectBus(bus, logger, 'futuresboard relay');
  let lag = 0;
  telemetry.setBusSource(() => ({ connected: link.connected(), lag }));
  const healthInput = (): HealthInput => ({
    role: 'relay',
    bus: link.health(lag, 'messages', null),
    now: now(),
    startedAt,
    version: VERSION,
    ...NOTHING_RECORDED,
  });
  const server = await startDaemonServer({
    http: config.http,
    healthThresholds: config.health,
    telemetry,
    logger,
    version: VERSION,
    dbPath: null,
    healthInput,
    tuning: opts.tuning,
    now,
  });
  const { relay } = server;
  let stopping = false;
  let stopLag = () => {};
  const failed = runOnBus(
    async () => {
      const c = await link.ready;
      const since = now() - bus.relayWarmup;
      const events = await follow(
        c,
        bus.stream.name,
        since,
        (text, subject) => {
          // Markets are the store's business (/api/markets); the relay serves events.
          if (!isInstrumentsSubject(subject)) relay.publishEvents(decodeEventBatch(text).events);
        },
        telemetry,
        logger,
        () => stopping,
      );
      await follow(
        c,
        bus.stream.derived,
        since,
        (text) => {
          const d = decodeDerived(text);
          for (const row of d.metrics ?? []) relay.publish('metrics', row.market, row);
          for (const alert of d.alerts ?? []) relay.publish('alerts', alert.market, alert);
        },
        telemetry,
        logger,
        () => stopping,
      );
      logger.info({ bus: link.url, warmupMs: bus.relayWarmup }, 'relay node following the bus');
      stopLag = watchLag(events, (n) => (lag = n));
    },
    { bus, logger, what: 'relay node: following the bus', stopping: () => stopping },
  );
  return {
    port: server.port,
    server,
    failed,
    async stop() {
      stopping = true;
      stopLag();
      await server.close();
      await link.close();
      telemetry.stop();
    },
  };
}
