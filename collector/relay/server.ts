/**
 * The daemon's one port: a node:http server for the HTTP API with the websocket relay on path `/`
 * (`ws` in noServer mode, so origin, token and client-count checks happen before the upgrade).
 */
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { HealthReport, HealthStatus } from '../../core/health.ts';
import type { Logger } from '../../core/log.ts';
import type { Config } from '../config.ts';
import type { Telemetry } from '../telemetry.ts';
import { allowedHostNames, checkAccess } from './access.ts';
import { assessHealth, type HealthInput } from './health.ts';
import { createHttpHandler } from './http-api.ts';
import { DEFAULT_RELAY_TUNING, Relay, type RelayTuning } from './relay.ts';
import { SnapshotRoute } from './snapshot-route.ts';
import { StoreReader } from './store-reader.ts';
import { FbError } from '../../core/errors.ts';

export interface DaemonServerOptions {
  http: Config['http'];
  healthThresholds: Config['health'];
  telemetry: Telemetry;
  logger: Logger;
  version: string;
  /** The live SQLite file (WAL), opened read-only here; null on a relay node (no database). */
  dbPath: string | null;
  healthInput: () => HealthInput;
  /** Origins allowed to call the HTTP API from a browser; defaults to http.origins. */
  corsOrigins?: string[];
  /** Relay limits beyond the config file's (tests and benchmarks tighten them). */
  tuning?: Partial<RelayTuning>;
  /** Health is pushed on the `health` channel this often (and on every status change then). */
  healthPublishMs?: number;
  now?: () => number;
}

export interface DaemonServer {
  port: number;
  relay: Relay;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Answer a refused upgrade with a plain HTTP response and drop the socket. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startDaemonServer(opts: DaemonServerOptions): Promise<DaemonServer> {
  const { http, telemetry, logger } = opts;
  const now = opts.now ?? Date.now;
  const tuning: RelayTuning = { ...DEFAULT_RELAY_TUNING, ...opts.tuning };
  const relay = new Relay({
    version: opts.version,
    maxPayloadBytes: http.maxPayloadBytes,
    maxBufferedBytes: http.maxBufferedBytes,
    maxSubscriptions: http.maxSubscriptions,
    tuning,
    telemetry,
    logger,
    now,
  });
  const store = opts.dbPath === null ? null : new StoreReader(opts.dbPath);
  const snapshot = opts.dbPath === null ? null : new SnapshotRoute(opts.dbPath, logger);
  const health = (): HealthReport => assessHealth(opts.healthInput(), opts.healthThresholds);

  const allowedHosts = allowedHostNames(http);
  const server = createServer(
    createHttpHandler({
      relay,
      store,
      snapshot,
      telemetry,
      health,
      access: { origins: opts.corsOrigins ?? http.origins, token: http.token, allowedHosts },
      logger,
    }),
  );
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: http.maxPayloadBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const accessPolicy = { origins: http.origins, token: http.token, allowedHosts };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => logger.debug({ err: err.message }, 'relay handshake socket error'));
    // Anything thrown here would escape the HTTP server and end the daemon: answer 400 instead.
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/') return refuseUpgrade(socket, 404, 'E_NOT_FOUND', 'the relay websocket is on path /');
      const access = checkAccess(req, url, accessPolicy);
      if (!access.ok) {
        telemetry.relayDrops.inc({
          reason: { E_ORIGIN: 'refused_origin', E_TOKEN: 'refused_token', E_HOST: 'refused_host' }[access.code],
        });
        return refuseUpgrade(socket, access.status, access.code, access.message);
      }
      if (relay.clientCount >= tuning.maxClients) {
        telemetry.relayDrops.inc({ reason: 'too_many_clients' });
        return refuseUpgrade(
          socket,
          503,
          'E_TOO_MANY_CLIENTS',
          `the relay serves at most ${tuning.maxClients} clients`,
        );
      }
      wss.handleUpgrade(req, socket, head, (ws) => relay.accept(ws));
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'malformed websocket upgrade refused');
      refuseUpgrade(socket, 400, 'E_BAD_REQUEST', 'malformed upgrade request');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error & { code?: string }) =>
      reject(
        new FbError(
          'E_LISTEN',
          err.code === 'EADDRINUSE'
            ? `http.port ${http.port} on ${http.host} is in use; stop the other process or set http.port (FUTURESBOARD_PORT)`
            : `cannot listen on ${http.host}:${http.port}: ${err.message}`,
        ),
      ),
    );
    server.listen(http.port, http.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : http.port;
  if (!LOOPBACK.has(http.host) && http.token === null)
    logger.warn({ host: http.host }, 'relay and HTTP API listen beyond loopback without a token; set http.token');
  logger.info({ host: http.host, port }, 'relay and HTTP API listening');

  // Health goes to relay clients on a timer; status changes are logged once.
  let lastStatus: HealthStatus | null = null;
  const publishHealth = () => {
    let report: HealthReport;
    try {
      report = health();
    } catch (err) {
      // A broken health input must not take the daemon down from a timer.
      logger.error({ err: (err as Error).message }, 'health report failed');
      return;
    }
    relay.publish('health', null, report);
    if (report.status !== lastStatus) {
      (report.status === 'ok' ? logger.info : logger.warn).call(
        logger,
        { status: report.status, reasons: report.reasons },
        'health changed',
      );
      lastStatus = report.status;
    }
  };
  publishHealth();
  const healthTimer = setInterval(publishHealth, opts.healthPublishMs ?? 5000);
  healthTimer.unref();

  let closed: Promise<void> | null = null;
  return {
    port,
    relay,
    close() {
      closed ??= (async () => {
        clearInterval(healthTimer);
        snapshot?.close();
        // Stop accepting first, then close the relay's sockets and any HTTP connection left.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await relay.close();
        wss.close();
        server.closeAllConnections();
        await stopped;
        store?.close();
      })();
      return closed;
    },
  };
}
