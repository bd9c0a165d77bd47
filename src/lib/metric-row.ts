/**
 * Maps a metrics row (a `metrics` table row at build time, or a relay `metrics` item live) onto
 * the table's MarketRow. Both carry the engine's MetricRow fields; the relay sends `timeframes`
 * as an object, SQLite as JSON text.
 */
import { TIMEFRAMES, type MarketRow, type TimeframeView } from './snapshot-types.ts';
import { jsonObject as obj, num as n, str } from './values.ts';

/** The z-score of largest magnitude among a timeframe's z values (sign kept). */
function strongestZ(z: Record<string, unknown>): number | null {
  let best: number | null = null;
  for (const v of Object.values(z)) {
    const x = n(v);
    if (x !== null && (best === null || Math.abs(x) > Math.abs(best))) best = x;
  }
  return best;
}

function timeframeView(v: unknown): TimeframeView {
  const tf = obj(v);
  return { price_chg_pct: n(tf.price_chg_pct), oi_chg_pct: n(tf.oi_chg_pct), cvd: n(tf.cvd), z: strongestZ(obj(tf.z)) };
}

/** A market row with no figures yet (a market seen before its first metrics bucket closed). */
export function emptyMarketRow(b: { exchange: string; market: string; symbol: string; local_ts: number }): MarketRow {
  return {
    exchange: b.exchange,
    market: b.market,
    symbol: b.symbol,
    local_ts: b.local_ts,
    price: null,
    price_chg_pct: null,
    oi_usd: null,
    oi_chg_pct: null,
    funding_rate: null,
    basis_bps: null,
    ls_global: null,
    imbalance: null,
    cvd: null,
    z_max: null,
    composite: null,
    regime: null,
    timeframes: {},
  };
}

export function marketRowFromMetrics(r: Record<string, unknown>): MarketRow | null {
  if (typeof r.exchange !== 'string' || typeof r.market !== 'string') return null;
  const tfs = obj(r.timeframes);
  const timeframes: MarketRow['timeframes'] = {};
  for (const name of TIMEFRAMES) if (name in tfs) timeframes[name] = timeframeView(tfs[name]);
  return {
    exchange: r.exchange,
    symbol: str(r.symbol) ?? '',
    market: r.market,
    local_ts: n(r.local_ts) ?? n(r.bucket_ts) ?? 0,
    price: n(r.price),
    price_chg_pct: n(r.price_chg_pct),
    oi_usd: n(r.oi_usd),
    oi_chg_pct: n(r.oi_chg_pct),
    funding_rate: n(r.funding_rate),
    basis_bps: n(r.basis_bps),
    ls_global: n(r.ls_global),
    imbalance: n(r.imbalance),
    cvd: n(r.cvd),
    z_max: n(r.z_max),
    composite: n(r.composite),
    regime: str(r.regime),
    timeframes,
  };
}
