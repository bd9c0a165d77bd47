/**
 * One role's connection to the NATS bus: connected in the background (a collector must record
 * while the bus is down, so nothing waits for it), reconnecting forever, with its state kept for
 * /health. The JetStream streams are created here by whichever role connects first, with the
 * settings of `bus.stream` (docs/scale-out.md).
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { BusHealth } from '../../core/health.ts';
import type { Logger } from '../../core/log.ts';
import type { BusConfig } from '../config/schema.ts';
import { FbError } from '../../core/errors.ts';

export interface BusLink {
  /** The server URL(s) without credentials, for logs and /health. */
  url: string;
  /** Resolves once connected and the streams exist (never rejects: it keeps trying). */
  ready: Promise<Connected>;
  connected(): boolean;
  lastError(): string | null;
  /** Called at each loss of the connection (publishes then in flight will not be answered in time). */
  onDisconnect(listener: () => void): void;
  /** /health's `bus` block; `lag` comes from the role. */
  health(lag: number, lagUnit: BusHealth['lagUnit'], consumer: string | null): BusHealth;
  close(): Promise<void>;
}

export interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** `nats://user:secret@host` → `nats://host`: credentials never reach logs or /health. */
export function redactBusUrl(url: string): string {
  return url
    .split(',')
    .map((u) => u.replace(/\/\/[^@/]*@/, '//'))
    .join(',');
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], cfg: BusConfig): Promise<void> {
  try {
    await jsm.streams.info(name);
    return; // Settings of an existing stream are the operator's (nats stream edit), not overwritten.
  } catch (err) {
    if (!/stream not found/i.test(errorText(err))) throw err;
  }
  await jsm.streams.add({
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(cfg.stream.maxAge),
    max_bytes: cfg.stream.maxBytes,
    num_replicas: cfg.stream.replicas,
    duplicate_window: nanos(cfg.stream.duplicateWindow),
  });
}

/** Reads the credentials file now, so a wrong path is a config error at start, not a silent retry loop. */
function authOptions(cfg: BusConfig) {
  const opts: { authenticator?: ReturnType<typeof credsAuthenticator>; tls?: Record<string, string> } = {};
  if (cfg.credentials !== null) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(cfg.credentials);
    } catch (err) {
      throw new FbError('E_CONFIG', `bus.credentials: cannot read ${cfg.credentials} (${errorText(err)})`);
    }
    opts.authenticator = credsAuthenticator(creds);
  }
  if (cfg.tls) opts.tls = { ...cfg.tls };
  return opts;
}

/** The `bus` section a role cannot run without. */
export function requireBus(config: { bus: BusConfig | null }, command: 'store' | 'relay'): BusConfig {
  if (!config.bus)
    throw new FbError(
      'E_CONFIG',
      `bus: required by \`futuresboard ${command}\`; set bus.url, e.g. "nats://127.0.0.1:4222"`,
    );
  return config.bus;
}

export function connectBus(cfg: BusConfig, logger: Logger, name: string): BusLink {
  const url = redactBusUrl(cfg.url);
  let conn: NatsConnection | null = null;
  let isConnected = false;
  let lastError: string | null = null;
  let closing = false;
  const disconnectListeners: (() => void)[] = [];
  const auth = authOptions(cfg);

  const ready = (async (): Promise<Connected> => {
    let attempt = 0;
    for (;;) {
      try {
        const nc = await connect({
          servers: cfg.url.split(','),
          name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1000,
          pingInterval: 10_000,
          ...auth,
        });
        conn = nc;
        isConnected = true;
        lastError = null;
        watchStatus(nc);
        const jsm = await jetstreamManager(nc);
        await ensureStream(jsm, cfg.stream.name, [`fb.>`], cfg);
        await ensureStream(jsm, cfg.stream.derived, ['fbd.>'], cfg);
        // Closed while connecting: this connection would otherwise live on, reconnecting forever.
        if (closing) throw new Error('bus link closed');
        logger.info({ bus: url }, 'bus connected');
        return { nc, js: jetstream(nc), jsm };
      } catch (err) {
        lastError = errorText(err);
        if (conn) await conn.close().catch(() => {});
        conn = null;
        isConnected = false;
        if (closing) throw new Error('bus link closed');
        // Logged at the first failure and then every 30th, not once a second for hours.
        if (attempt++ % 30 === 0) logger.warn({ bus: url, err: lastError }, 'bus unreachable; retrying');
        await new Promise((r) => setTimeout(r, 1000));
        if (closing) throw new Error('bus link closed');
      }
    }
  })();
  ready.catch(() => {});

  async function watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        isConnected = false;
        lastError = 'disconnected';
        logger.warn({ bus: url }, 'bus disconnected; reconnecting');
        for (const l of disconnectListeners) l();
      } else if (s.type === 'reconnect') {
        isConnected = true;
        lastError = null;
        logger.info({ bus: url }, 'bus reconnected');
      } else if (s.type === 'error') {
        lastError = errorText(s.error);
      }
    }
  }

  return {
    url,
    ready,
    connected: () => isConnected,
    lastError: () => lastError,
    onDisconnect: (listener) => disconnectListeners.push(listener),
    health: (lag, lagUnit, consumer) => ({
      url,
      connected: isConnected,
      lastError,
      stream: cfg.stream.name,
      consumer,
      lag,
      lagUnit,
    }),
    async close() {
      closing = true;
      isConnected = false;
      const c = conn;
      // A drain raced by the connect loop's own close() never settles; closed() always does.
      if (c) await Promise.race([c.drain().catch(() => c.close()), c.closed()]);
    },
  };
}

/** A refusal from the server that retrying will not cure, as the error the role exits with. */
export function busRefusal(err: unknown, bus: BusConfig): FbError {
  const message = errorText(err);
  if (/requires server 2\.10/.test(message))
    return new FbError(
      'E_BUS',
      `bus.subjects lists ${bus.subjects.length} subject filters, and this nats-server (before 2.10) takes one per consumer: ` +
        'run one store per subject (docs/scale-out.md, "Sharding stores by exchange") or upgrade the server',
    );
  return new FbError('E_BUS', `the bus refused the role's stream or consumer: ${message}`);
}

/**
 * A role's work on the bus, in the background. The promise returned resolves with E_BUS when the
 * work fails other than by the role stopping: the role cannot go on and its command exits.
 */
export function runOnBus(
  work: () => Promise<void>,
  o: { bus: BusConfig; logger: Logger; what: string; stopping: () => boolean },
): Promise<FbError> {
  return new Promise((resolve) => {
    work().catch((err: Error) => {
      if (o.stopping()) return;
      const refusal = busRefusal(err, o.bus);
      o.logger.error({ err: refusal.message }, `${o.what} stopped`);
      resolve(refusal);
    });
  });
}

const LAG_POLL_MS = 2000;

/** Polls a consumer's backlog (messages not yet delivered or not yet acknowledged) for /health; returns the stop. */
export function watchLag(consumer: Consumer, onLag: (messages: number) => void): () => void {
  const timer = setInterval(() => {
    consumer.info(false).then(
      (i) => onLag(i.num_pending + i.num_ack_pending),
      () => {},
    );
  }, LAG_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
