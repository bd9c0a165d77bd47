/**
 * Binance USDⓈ-M REST: /fapi/v1/{exchangeInfo,ticker/24hr,openInterest,premiumIndex} and the
 * /futures/data ratio endpoints, with the real request weights, the X-MBX-USED-WEIGHT-1M
 * header, 429/418 + Retry-After, and Binance's `{"code":-11xx,"msg":…}` error bodies. The two
 * families have separate limits: /fapi its weight per minute, /futures/data (weight 0) its
 * request count per 5 minutes; a 429 or a ban in one leaves the other answering.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.ts';
import { intParam, respond } from '../http/respond.ts';
import type { BinanceRatioEndpoint, BinanceRestData } from '../rest-data.ts';
import type { RestAnswer } from '../rest-answer.ts';
import { WindowLimiter } from './weights.ts';

const PERIODS: Record<string, number> = {
  '5m': 3e5,
  '15m': 9e5,
  '30m': 18e5,
  '1h': 36e5,
  '2h': 72e5,
  '4h': 144e5,
  '6h': 216e5,
  '12h': 432e5,
  '1d': 864e5,
};
const RATIOS: BinanceRatioEndpoint[] = [
  'globalLongShortAccountRatio',
  'topLongShortAccountRatio',
  'topLongShortPositionRatio',
  'takerlongshortRatio',
];

const err = (code: number, msg: string) => JSON.stringify({ code, msg });
const missing = (name: string) =>
  err(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
const INVALID_SYMBOL = err(-1121, 'Invalid symbol.');

export function isBinanceRest(pathname: string): boolean {
  return pathname.startsWith('/fapi/') || pathname.startsWith('/futures/data/');
}

/** The answer to a GET of `path` once the request is admitted (no rate limit here): status and body. */
export function binanceAnswer(data: BinanceRestData, path: string, q: URLSearchParams, now: number): RestAnswer {
  const symbol = q.get('symbol');
  const ok = (body: string | null): RestAnswer =>
    body === null ? { status: 400, body: INVALID_SYMBOL, ok: false } : { status: 200, body, ok: true };
  switch (path) {
    case '/fapi/v1/exchangeInfo':
      return ok(data.exchangeInfo(now));
    case '/fapi/v1/ticker/24hr':
      return ok(data.ticker24hr(symbol, now));
    case '/fapi/v1/premiumIndex':
      return ok(data.premiumIndex(symbol, now));
    case '/fapi/v1/openInterest':
      return symbol ? ok(data.openInterest(symbol, now)) : { status: 400, body: missing('symbol'), ok: false };
  }
  const endpoint = path.slice('/futures/data/'.length) as BinanceRatioEndpoint;
  if (!path.startsWith('/futures/data/') || !RATIOS.includes(endpoint))
    return { status: 404, body: err(-5000, `Path ${path}, Method GET is invalid`), ok: false };
  if (!symbol) return { status: 400, body: missing('symbol'), ok: false };
  const period = q.get('period');
  if (!period) return { status: 400, body: missing('period'), ok: false };
  const periodMs = PERIODS[period];
  if (periodMs === undefined)
    return { status: 400, body: err(-1130, "Data sent for parameter 'period' is not valid."), ok: false };
  const limit = intParam(q, 'limit', 30, 1, 500);
  if (limit === null)
    return { status: 400, body: err(-1130, "Data sent for parameter 'limit' is not valid."), ok: false };
  return ok(data.ratio(endpoint, symbol, periodMs, limit, now));
}

export function binanceRest(ctx: ServerContext) {
  const lim = ctx.limits.binance;
  const ban = { banAfter429s: lim.banAfter429s, banMs: lim.banMs };
  const weights = new WindowLimiter({ limit: lim.restWeightPerMinute, windowMs: 60_000, ...ban });
  const futuresData = new WindowLimiter({ limit: lim.futuresDataRequestsPer5Min, windowMs: 300_000, ...ban });
  const data = ctx.source.rest['binance-usdm'];

  /** Weight of a request, or null when the path is not an endpoint. */
  const weightOf = (path: string, q: URLSearchParams): number | null => {
    switch (path) {
      case '/fapi/v1/exchangeInfo':
      case '/fapi/v1/openInterest':
        return 1;
      case '/fapi/v1/ticker/24hr':
        return q.has('symbol') ? 1 : 40;
      case '/fapi/v1/premiumIndex':
        return q.has('symbol') ? 1 : 10;
      default:
        // the /futures/data endpoints carry no weight (they have their own IP limit)
        return RATIOS.some((r) => path === `/futures/data/${r}`) ? 0 : null;
    }
  };

  return function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const c = ctx.counters['binance-usdm'];
    c.restRequests++;
    const now = ctx.clock();
    const weight = weightOf(url.pathname, url.searchParams);
    if (weight === null || req.method !== 'GET') {
      c.restErrors++;
      return respond(res, 404, err(-5000, `Path ${url.pathname}, Method ${req.method} is invalid`));
    }
    const ip = req.socket.remoteAddress ?? '';
    const isData = url.pathname.startsWith('/futures/data/');
    const fault = ctx.faults.takeRestFault('binance-usdm');
    const verdict = fault
      ? { status: fault.status, used: 0, retryAfter: fault.retryAfter }
      : isData
        ? futuresData.charge(ip, 1, now)
        : weights.charge(ip, weight, now);
    // The header always reports the request weight, which /futures/data requests do not add to.
    const used = isData ? weights.used(ip, now) : verdict.used;
    if (verdict.status !== 200) {
      c.restErrors++;
      const limit = isData
        ? `${lim.futuresDataRequestsPer5Min} requests per 5 minutes`
        : `${lim.restWeightPerMinute} requests per minute`;
      const msg =
        verdict.status === 429
          ? `Too many requests; current limit of IP is ${limit}. Please use the websocket for live updates to avoid polling the API.`
          : `Way too many requests; IP banned until ${now + verdict.retryAfter * 1000}. Please use the websocket for live updates to avoid bans.`;
      return respond(res, verdict.status, err(-1003, msg), {
        'X-MBX-USED-WEIGHT-1M': used,
        'Retry-After': verdict.retryAfter,
      });
    }
    const a = binanceAnswer(data, url.pathname, url.searchParams, now);
    if (!a.ok) c.restErrors++;
    respond(res, a.status, a.body, { 'X-MBX-USED-WEIGHT-1M': used });
  };
}
