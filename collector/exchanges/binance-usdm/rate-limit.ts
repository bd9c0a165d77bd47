/**
 * Binance USDⓈ-M REST weight accounting, for the collector's REST poller.
 *
 * Every IP has a REQUEST_WEIGHT budget of 2400 per minute (the `rateLimits` of exchangeInfo;
 * PROTOCOLS.md §1.3) and every response reports the weight used so far in the current minute
 * in `X-MBX-USED-WEIGHT-1M`. Going over returns HTTP 429; ignoring 429s earns a 418 IP ban
 * (2 minutes to 3 days, with `Retry-After`). The plan's polls cost 6 weight per symbol per
 * minute (openInterest, weight 1, every 10 s), so 100 symbols use 600 of the 2400; the
 * /futures/data ratio endpoints weigh 0 but have their own limit of 1000 requests per 5 minutes
 * per IP and endpoint (4 endpoints × 1 per minute × symbols). A poller should stretch its
 * intervals when usedWeight() nears WEIGHT_LIMIT_PER_MINUTE (other programs on the same IP
 * share the budget) and honour Retry-After on 429/418.
 */

export const WEIGHT_LIMIT_PER_MINUTE = 2400;

const HEADER = 'x-mbx-used-weight-1m';

/** fetch's Headers, or Node's IncomingHttpHeaders / any plain record of header values. */
export type ResponseHeaders = { get(name: string): string | null } | Record<string, string | string[] | number | undefined>;

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
