/**
 * OKX v5 REST: public instruments and open interest, market tickers, and the rubik long/short
 * and taker-volume statistics, in OKX's `{"code","data","msg"}` body (key order of the real
 * 2022 responses in ../shared/captures).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.ts';
import { intParam, respond } from '../http/respond.ts';
import type { RestAnswer } from '../rest-answer.ts';
import type { OkxRestData } from '../rest-data.ts';

const PERIODS: Record<string, number> = {
  '5m': 3e5,
  '15m': 9e5,
  '30m': 18e5,
  '1H': 36e5,
  '2H': 72e5,
  '4H': 144e5,
  '6H': 216e5,
  '12H': 432e5,
  '1D': 864e5,
};

export function isOkxRest(pathname: string): boolean {
  return pathname.startsWith('/api/v5/');
}

type Answer = { status: number; code: string; msg: string; data: string };
const ok = (data: string): Answer => ({ status: 200, code: '0', msg: '', data });
const fail = (status: number, code: string, msg: string): Answer => ({ status, code, msg, data: '[]' });
const NO_INSTRUMENT = fail(200, '51001', "Instrument ID doesn't exist.");

function answer(data: OkxRestData, path: string, q: URLSearchParams, now: number): Answer | null {
  const instId = q.get('instId');
  const found = (d: string | null) => (d === null ? NO_INSTRUMENT : ok(d));
  /** Endpoints listing instruments by type: this exchange lists SWAP only. */
  const byType = (list: (id: string | null, now: number) => string | null) => {
    const instType = q.get('instType');
    if (!instType) return fail(400, '50014', 'Parameter instType can not be empty.');
    return instType === 'SWAP' ? found(list(instId, now)) : ok('[]');
  };
  const period = () => PERIODS[q.get('period') ?? '5m'];
  switch (path) {
    case '/api/v5/public/instruments':
      return byType((id, t) => data.instruments(id, t));
    case '/api/v5/market/tickers':
      return byType((id, t) => data.tickers(id, t));
    case '/api/v5/public/open-interest':
      return byType((id, t) => data.openInterest(id, t));
    case '/api/v5/market/ticker':
      return instId ? found(data.tickers(instId, now)) : fail(400, '50014', 'Parameter instId can not be empty.');
  }
  if (!path.startsWith('/api/v5/rubik/stat/')) return null;
  const periodMs = period();
  const limit = intParam(q, 'limit', 100, 1, 100);
  if (periodMs === undefined || limit === null)
    return fail(400, '51000', `Parameter ${periodMs === undefined ? 'period' : 'limit'} error`);
  switch (path) {
    case '/api/v5/rubik/stat/contracts/long-short-account-ratio-contract':
      return instId
        ? found(data.longShortRatio({ instId }, periodMs, limit, now))
        : fail(400, '50014', 'Parameter instId can not be empty.');
    case '/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader':
      return instId
        ? found(data.longShortRatio({ instId }, periodMs, limit, now, 'topAccounts'))
        : fail(400, '50014', 'Parameter instId can not be empty.');
    case '/api/v5/rubik/stat/contracts/long-short-position-ratio-contract-top-trader':
      return instId
        ? found(data.longShortRatio({ instId }, periodMs, limit, now, 'topPositions'))
        : fail(400, '50014', 'Parameter instId can not be empty.');
    case '/api/v5/rubik/stat/contracts/long-short-account-ratio': {
      const ccy = q.get('ccy');
      return ccy
        ? found(data.longShortRatio({ ccy }, periodMs, limit, now))
        : fail(400, '50014', 'Parameter ccy can not be empty.');
    }
    case '/api/v5/rubik/stat/taker-volume-contract': {
      if (!instId) return fail(400, '50014', 'Parameter instId can not be empty.');
      const unit = q.get('unit') ?? '1';
      if (unit !== '0' && unit !== '1' && unit !== '2') return fail(400, '51000', 'Parameter unit error');
      return found(data.takerVolume(instId, periodMs, limit, Number(unit) as 0 | 1 | 2, now));
    }
    default:
      return null;
  }
}

/** The answer to a GET of `path` (null: no such endpoint), in OKX's `{"code","data","msg"}` body. */
export function okxAnswer(data: OkxRestData, path: string, q: URLSearchParams, now: number): RestAnswer | null {
  const a = answer(data, path, q, now);
  if (a === null) return null;
  const body = '{"code":"' + a.code + '","data":' + a.data + ',"msg":' + JSON.stringify(a.msg) + '}';
  return { status: a.status, body, ok: a.code === '0' };
}

export function okxRest(ctx: ServerContext) {
  const data = ctx.source.rest['okx-swap'];

  return function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const c = ctx.counters['okx-swap'];
    c.restRequests++;
    const fault = ctx.faults.takeRestFault('okx-swap');
    if (fault) {
      c.restErrors++;
      return respond(res, fault.status, '{"msg":"Too Many Requests","code":"50011"}', {
        'Retry-After': fault.retryAfter,
      });
    }
    const a = req.method === 'GET' ? okxAnswer(data, url.pathname, url.searchParams, ctx.clock()) : null;
    if (a === null) {
      c.restErrors++;
      return respond(res, 404, '{"msg":"Not Found","code":"404"}');
    }
    if (!a.ok) c.restErrors++;
    respond(res, a.status, a.body);
  };
}
