/**
 * What the simulator answers to a REST GET, without a server: the HTTP routes send it (after
 * their rate limits and fault switches), and `simulate --write` records it as the body a poll
 * received at a virtual time.
 */
import { binanceAnswer, isBinanceRest } from './binance/rest.ts';
import { bybitAnswer, isBybitRest } from './bybit/rest.ts';
import { isOkxRest, okxAnswer } from './okx/rest.ts';
import type { RestData } from './rest-data.ts';

export interface RestAnswer {
  status: number;
  body: string;
  /** False for the exchange's error bodies (some come with HTTP 200). */
  ok: boolean;
}

/** The answer to a GET of `url` at time `now`; null when no exchange serves its path. */
export function restAnswer(rest: RestData, url: URL, now: number): RestAnswer | null {
  const p = url.pathname;
  const q = url.searchParams;
  if (isBinanceRest(p)) return binanceAnswer(rest['binance-usdm'], p, q, now);
  if (isBybitRest(p)) return bybitAnswer(rest['bybit-linear'], p, q, now);
  if (isOkxRest(p)) return okxAnswer(rest['okx-swap'], p, q, now);
  return null;
}
