/** An alert from the `alerts` table, the relay's `alerts` channel or GET /api/alerts, as the site shows it. */
import type { AlertRow } from './snapshot-types.ts';
import { jsonObject, num, str } from './values.ts';

export function alertRowFrom(r: Record<string, unknown>): AlertRow | null {
  const tier = num(r.tier);
  const local_ts = num(r.local_ts);
  if (typeof r.market !== 'string' || tier === null || local_ts === null) return null;
  return {
    exchange: str(r.exchange) ?? '',
    market: r.market,
    local_ts,
    bucket_ts: num(r.bucket_ts),
    tier,
    rule: str(r.rule) ?? '',
    direction: str(r.direction) ?? '',
    value: num(r.value),
    threshold: num(r.threshold),
    price: num(r.price),
    inputs: jsonObject(r.inputs),
    fwd_ret_5m: num(r.fwd_ret_5m),
    fwd_ret_15m: num(r.fwd_ret_15m),
    fwd_ret_60m: num(r.fwd_ret_60m),
  };
}

/** The well-formed alerts among relay or API items, in their order. */
export const alertRowsFrom = (items: readonly unknown[]): AlertRow[] =>
  items.map((i) => alertRowFrom(jsonObject(i))).filter((a): a is AlertRow => a !== null);

/** An alert's identity on screen: what tells a repeat (a relay snapshot after a reconnect) from a new alert. */
export const alertKey = (a: AlertRow): string => `${a.exchange}|${a.market}|${a.local_ts}|${a.rule}|${a.direction}`;
