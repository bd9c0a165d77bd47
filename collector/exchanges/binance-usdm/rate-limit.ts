/**
 * Binance USDⓈ-M REST limits per IP, as two families of endpoints (PROTOCOLS.md §1.3, §1.5, §6):
 *
 * - `/fapi/v1/*`: REQUEST_WEIGHT 2400 per minute (the `rateLimits` of exchangeInfo), the weight
 *   used so far this minute in `X-MBX-USED-WEIGHT-1M`; openInterest weighs 1.
 * - `/futures/data/*` (long/short ratios, taker volume): weight 0, but each endpoint's page says
 *   "IP rate limit 1000 requests/5min". The docs do not say whether the endpoints share that
 *   count (where Binance shares one, as fundingRate with fundingInfo, the page says so), so we
 *   take the strict reading: one count for the whole family.
 *
 * Past a limit Binance answers 429 with Retry-After, and an IP that keeps going is banned with
 * 418 (2 minutes to 3 days). Our polls plan to use only a share of each limit: the rest is left
 * to start-up requests (exchangeInfo, ticker/24hr) and to other programs on the same IP.
 */
import type { RestFamily } from '../types.ts';

export const WEIGHT_LIMIT_PER_MINUTE = 2400;
export const FUTURES_DATA_LIMIT = { requests: 1000, windowMs: 5 * 60_000 } as const;

const HEADER = 'x-mbx-used-weight-1m';

/** fetch's Headers, or Node's IncomingHttpHeaders / any plain record of header values. */
export type ResponseHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | number | undefined>;

function headerValue(headers: ResponseHeaders): unknown {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(HEADER);
  const record = headers as Record<string, unknown>;
  if (HEADER in record) return record[HEADER];
  for (const key of Object.keys(record)) if (key.toLowerCase() === HEADER) return record[key];
  return undefined;
}

/** Weight used in the current minute according to the response headers; null when not reported. */
export function usedWeight(headers: ResponseHeaders): number | null {
  let v = headerValue(headers);
  if (Array.isArray(v)) v = v[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Request-weight polls (open interest, weight 1 each): 75 % of the budget, 1800 a minute. Above
 * 80 % used (our polls plus anyone else's) the family waits for the next minute.
 */
export const FAPI: RestFamily = {
  name: 'fapi',
  requests: (WEIGHT_LIMIT_PER_MINUTE * 3) / 4,
  windowMs: 60_000,
  usedWeight: { read: usedWeight, pauseAbove: WEIGHT_LIMIT_PER_MINUTE * 0.8 },
};

/** The ratio polls: 80 % of the /futures/data count, 800 requests per 5 minutes. */
export const FUTURES_DATA: RestFamily = {
  name: 'futures/data',
  requests: (FUTURES_DATA_LIMIT.requests * 4) / 5,
  windowMs: FUTURES_DATA_LIMIT.windowMs,
};

/** Shortest interval at which `polls` polls of `family` fit its pace. */
export function fittingIntervalMs(family: RestFamily, polls: number): number {
  return (polls * family.windowMs) / family.requests;
}
