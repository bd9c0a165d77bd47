/**
 * Bybit v5 market REST: instruments-info, tickers and account-ratio for category=linear, in
 * Bybit's `{"retCode","retMsg","result","retExtInfo","time"}` envelope (errors are HTTP 200
 * with a non-zero retCode, as Bybit answers them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.ts';
import { intParam, respond } from '../http/respond.ts';
import type { RestAnswer } from '../rest-answer.ts';
import type { BybitRestData } from '../rest-data.ts';

const PERIODS: Record<string, number> = {
  '5min': 3e5,
  '15min': 9e5,
  '30min': 18e5,
  '1h': 36e5,
  '4h': 144e5,
  '1d': 864e5,
};

export function isBybitRest(pathname: string): boolean {
  return pathname.startsWith('/v5/');
}

const envelope = (retCode: number, retMsg: string, result: string, now: number) =>
  '{"retCode":' +
  retCode +
  ',"retMsg":' +
  JSON.stringify(retMsg) +
  ',"result":' +
  result +
  ',"retExtInfo":{},"time":' +
  now +
  '}';

/** The `result` JSON, or an error [retCode, retMsg]. */
function result(data: BybitRestData, path: string, q: URLSearchParams, now: number): string | [number, string] | null {
  if (q.get('category') !== 'linear') return [10001, 'params error: category only supports linear here'];
  const symbol = q.get('symbol');
  const known = (r: string | null): string | [number, string] => r ?? [10001, 'params error: symbol invalid'];
  switch (path) {
    case '/v5/market/instruments-info':
      return known(data.instruments(symbol, now));
    case '/v5/market/tickers':
      return known(data.tickers(symbol, now));
    case '/v5/market/account-ratio': {
      if (!symbol) return [10001, 'params error: symbol is required'];
      const periodMs = PERIODS[q.get('period') ?? ''];
      if (periodMs === undefined) return [10001, 'params error: period invalid'];
      const limit = intParam(q, 'limit', 50, 1, 500);
      if (limit === null) return [10001, 'params error: limit invalid'];
      return known(data.accountRatio(symbol, periodMs, limit, now));
    }
    default:
      return null;
  }
}

/** The answer to a GET of `path` (null: no such endpoint); Bybit's errors are HTTP 200 with a non-zero retCode. */
export function bybitAnswer(data: BybitRestData, path: string, q: URLSearchParams, now: number): RestAnswer | null {
  const r = result(data, path, q, now);
  if (r === null) return null;
  return typeof r === 'string'
    ? { status: 200, body: envelope(0, 'OK', r, now), ok: true }
    : { status: 200, body: envelope(r[0], r[1], '{}', now), ok: false };
}

export function bybitRest(ctx: ServerContext) {
  const data = ctx.source.rest['bybit-linear'];

  return function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const c = ctx.counters['bybit-linear'];
    c.restRequests++;
    const now = ctx.clock();
    const fault = ctx.faults.takeRestFault('bybit-linear');
    if (fault) {
      c.restErrors++;
      return respond(res, fault.status, envelope(10006, 'Too many visits!', '{}', now), {
        'Retry-After': fault.retryAfter,
      });
    }
    const a = req.method === 'GET' ? bybitAnswer(data, url.pathname, url.searchParams, now) : null;
    if (a === null) {
      c.restErrors++;
      return respond(res, 404, '{}');
    }
    if (!a.ok) c.restErrors++;
    respond(res, a.status, a.body);
  };
}
