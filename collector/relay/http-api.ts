/**
 * The HTTP side of the daemon's port: /health, /metrics, /api/markets, /api/latest,
 * /api/alerts and /snapshot.sqlite. GET only (OPTIONS for CORS preflight); JSON errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthReport } from '../../core/health.ts';
import type { Logger } from '../../core/log.ts';
import { parseTime } from '../export/filters.ts';
import type { Telemetry } from '../telemetry.ts';
import { checkAccess, originAllowed, type AccessPolicy } from './access.ts';
import { healthHttpStatus } from './health.ts';
import { sendError, sendJson, sendJsonText } from './http-reply.ts';
import type { Relay } from './relay.ts';
import type { SnapshotRoute } from './snapshot-route.ts';
import type { StoreReader } from './store-reader.ts';
import { hasErrorCode } from '../../core/errors.ts';

export interface HttpApiOptions {
  relay: Relay;
  /** null on a relay node of a scale-out deployment: it has no database (the store does). */
  store: StoreReader | null;
  snapshot: SnapshotRoute | null;
  telemetry: Telemetry;
  /** A fresh health report (computed per request). */
  health: () => HealthReport;
  /** `origins` here are the CORS origins. */
  access: AccessPolicy;
  logger: Logger;
}

const ENDPOINTS = ['/', '/health', '/metrics', '/api/markets', '/api/latest', '/api/alerts', '/snapshot.sqlite'];
const ALERTS_DEFAULT_LIMIT = 500;
const ALERTS_MAX_LIMIT = 5000;

function corsHeaders(origin: string | undefined, origins: readonly string[]): Record<string, string> {
  if (origin === undefined || !originAllowed(origin, origins)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization',
    'Access-Control-Expose-Headers': 'Retry-After, Content-Disposition',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/** A relay node serves live data only; recorded data is the store's. */
const noDatabase = (res: ServerResponse, headers: Record<string, string>) =>
  sendError(
    res,
    503,
    'E_DB_UNAVAILABLE',
    'this relay node has no database (it serves live data from the bus); ask the store role for /api/markets, /api/alerts and /snapshot.sqlite',
    headers,
  );

export function createHttpHandler(o: HttpApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = corsHeaders(req.headers.origin, o.access.origins);
    if (!ENDPOINTS.includes(url.pathname))
      return sendError(
        res,
        404,
        'E_NOT_FOUND',
        `no such endpoint ${url.pathname}; endpoints: ${ENDPOINTS.join(', ')}`,
        headers,
      );
    if (req.method === 'OPTIONS') {
      // Preflight carries no credentials; the real request is checked below.
      res.writeHead(originAllowed(req.headers.origin, o.access.origins) ? 204 : 403, headers);
      return void res.end();
    }
    if (req.method !== 'GET')
      return sendError(res, 405, 'E_METHOD', `${req.method} is not allowed; use GET`, {
        ...headers,
        Allow: 'GET, OPTIONS',
      });
    const access = checkAccess(req, url, o.access);
    if (!access.ok) return sendError(res, access.status, access.code, access.message, headers);

    switch (url.pathname) {
      case '/':
        return sendJson(
          res,
          200,
          { name: 'futuresboard', relay: 'websocket on this port, path /', endpoints: ENDPOINTS.slice(1) },
          headers,
        );
      case '/health': {
        const report = o.health();
        return sendJson(res, healthHttpStatus(report.status), report, headers);
      }
      case '/metrics': {
        const text = await o.telemetry.registry.metrics();
        res.writeHead(200, {
          ...headers,
          'Content-Type': o.telemetry.registry.contentType,
          'Cache-Control': 'no-store',
        });
        return void res.end(text);
      }
      case '/api/markets':
        if (!o.store) return noDatabase(res, headers);
        return sendJson(res, 200, o.store.markets(), headers);
      case '/api/latest': {
        const market = url.searchParams.get('market');
        if (!market)
          return sendError(
            res,
            400,
            'E_BAD_QUERY',
            'market: required, a unified market such as BTC/USDT:USDT',
            headers,
          );
        const json = o.relay.latestJson(market);
        if (json === null)
          return sendError(
            res,
            404,
            'E_UNKNOWN_MARKET',
            `no live state for ${market}; markets look like BTC/USDT:USDT (see /api/markets)`,
            headers,
          );
        return sendJsonText(res, 200, json, headers);
      }
      case '/api/alerts': {
        const sinceText = url.searchParams.get('since');
        const since = sinceText === null ? 0 : parseTime(sinceText);
        if (since === null)
          return sendError(res, 400, 'E_BAD_QUERY', 'since: epoch milliseconds or an ISO time', headers);
        const limitText = url.searchParams.get('limit');
        const limit = limitText === null ? ALERTS_DEFAULT_LIMIT : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > ALERTS_MAX_LIMIT)
          return sendError(res, 400, 'E_BAD_QUERY', `limit: an integer 1-${ALERTS_MAX_LIMIT}`, headers);
        if (!o.store) return noDatabase(res, headers);
        return sendJson(res, 200, o.store.alerts(since, limit), headers);
      }
      default:
        if (!o.snapshot) return noDatabase(res, headers);
        return o.snapshot.serve(res, url, headers);
    }
  }

  return (req, res) => {
    route(req, res).catch((err: Error & { code?: string }) => {
      const unavailable = hasErrorCode(err, 'E_DB_UNAVAILABLE');
      if (!unavailable)
        o.logger.error(
          { err: err.message, code: err.code, path: (req.url ?? '').split('?')[0] },
          'http request failed',
        ); // no query: it may hold ?token=
      if (res.headersSent) return void res.destroy();
      sendError(res, unavailable ? 503 : 500, err.code ?? 'E_INTERNAL', err.message);
    });
  };
}
