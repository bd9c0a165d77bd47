/** The series the metrics engine z-scores, by name (their order is the engine's vector layout). */

/** Bucket-level series that are z-scored, in the order the engine keeps them. */
export const Z_SERIES = [
  'price_chg_pct',
  'quote_volume',
  'cvd',
  'oi_chg_pct',
  'funding_rate',
  'basis_bps',
  'ls_global',
  'ls_top_accounts',
  'ls_top_positions',
  'taker_ratio',
  'imbalance',
  'liq_usd',
] as const;
export type ZSeries = (typeof Z_SERIES)[number];

/** Series without a direction of their own: a spike takes the direction of the bucket's price change. */
export const UNSIGNED_SERIES: ReadonlySet<ZSeries> = new Set<ZSeries>(['quote_volume', 'liq_usd']);

export const TIMEFRAME_Z_SERIES = ['price_chg_pct', 'quote_volume', 'cvd', 'oi_chg_pct'] as const;
export type TimeframeZSeries = (typeof TIMEFRAME_Z_SERIES)[number];
