/**
 * What the metrics engine produces: one metric row per market per closed bucket, alerts, and
 * forward returns of earlier alerts. Every number is finite or null (never NaN/Infinity), so a
 * row survives JSON and SQLite REAL unchanged and `metrics verify` can compare with ===.
 */
import type { ExchangeId } from '../events.ts';
import type { TimeframeZSeries, ZSeries } from './config.ts';

export type Regime = 'accumulation' | 'expansion' | 'distribution' | 'exhaustion' | 'neutral';

/** Figures over one rolling timeframe ending with the bucket. */
export interface TimeframeFigures {
  price_chg_pct: number | null;
  volume: number;
  quote_volume: number;
  /** Taker buy minus taker sell, quote currency. */
  cvd: number;
  taker_ratio: number | null;
  oi_chg_pct: number | null;
  ls_global_chg: number | null;
  ls_top_accounts_chg: number | null;
  ls_top_positions_chg: number | null;
  liq_long_usd: number;
  liq_short_usd: number;
  /** Realized volatility of bucket returns over the window, % (not annualised). */
  rvol: number | null;
  /** RSI(14), Wilder, on candles of the timeframe's length (forming candle included). */
  rsi14: number | null;
  /** Buckets present in the window (fewer than its length after a gap or at start). */
  buckets: number;
  z: Partial<Record<TimeframeZSeries, number | null>>;
}

export interface MetricRow {
  exchange: ExchangeId;
  symbol: string;
  market: string;
  /** Start of the bucket, epoch ms. */
  bucket_ts: number;
  /** Receipt time of the event whose arrival closed the bucket. */
  local_ts: number;
  /** `seq` of that event: the row was produced just before that event was applied. */
  seq: number;
  /** True until the market has closed `warmupBuckets` buckets since start or its last gap. */
  warmup: boolean;
  price: number | null;
  price_chg_pct: number | null;
  volume: number;
  quote_volume: number;
  cvd: number;
  oi_usd: number | null;
  oi_chg_pct: number | null;
  funding_rate: number | null;
  predicted_rate: number | null;
  basis_bps: number | null;
  ls_global: number | null;
  ls_top_accounts: number | null;
  ls_top_positions: number | null;
  taker_ratio: number | null;
  imbalance: number | null;
  liq_long_usd: number;
  liq_short_usd: number;
  rvol: number | null;
  rsi14: number | null;
  composite: number | null;
  regime: Regime;
  z_max: number | null;
  /** Bucket-level z-scores, plus the cross-exchange spreads `xex_oi` and `xex_funding`. */
  z: Partial<Record<ZSeries | 'xex_oi' | 'xex_funding', number | null>>;
  timeframes: Record<string, TimeframeFigures>;
}

export type AlertDirection = 'up' | 'down';
/** 1–5 the built-in tiers, 6 a cluster of lower-tier alerts; user rules pick any of them. */
export type AlertTier = 1 | 2 | 3 | 4 | 5 | 6;

export interface AlertRecord {
  exchange: ExchangeId;
  symbol: string;
  market: string;
  local_ts: number;
  seq: number;
  bucket_ts: number;
  tier: AlertTier;
  /** e.g. `z:cvd`, `confluence`, `cvd_oi`, `funding_oi`, `xex:oi`, `xex:funding`, `composite`, `cluster`, `user:<name>`. */
  rule: string;
  direction: AlertDirection;
  value: number;
  threshold: number;
  /** Price at the close of the alert's bucket: the base of the forward returns. */
  price: number | null;
  /** The figures that made the rule fire. */
  inputs: Record<string, number | string | boolean | null>;
  fwd_ret_5m: number | null;
  fwd_ret_15m: number | null;
  fwd_ret_60m: number | null;
}

/** The natural key of an alert (unique in the `alerts` table). */
export interface AlertKey {
  exchange: ExchangeId;
  symbol: string;
  bucket_ts: number;
  rule: string;
  direction: AlertDirection;
}

export const FORWARD_HORIZONS = [
  { column: 'fwd_ret_5m', ms: 300_000 },
  { column: 'fwd_ret_15m', ms: 900_000 },
  { column: 'fwd_ret_60m', ms: 3_600_000 },
] as const;
export type ForwardColumn = (typeof FORWARD_HORIZONS)[number]['column'];

/** The return (%) of an earlier alert's market `horizon` after its bucket closed. */
export interface ForwardReturnUpdate {
  alert: AlertKey;
  column: ForwardColumn;
  value: number;
}

export interface EngineOutput {
  metrics: MetricRow[];
  alerts: AlertRecord[];
  forwardReturns: ForwardReturnUpdate[];
}
