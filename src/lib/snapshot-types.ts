/**
 * The build-time snapshot the pages render and the islands start from. Plain JSON (numbers,
 * strings, null) so it crosses into island props unchanged; live relay data is mapped onto the
 * same shapes so a table row looks the same whether it came from the snapshot or the relay.
 */

export const TIMEFRAMES = ['5m', '15m', '1h', '24h'] as const;
export type TimeframeName = (typeof TIMEFRAMES)[number];

/** Per-timeframe figures shown when a timeframe tab is selected. */
export interface TimeframeView {
  price_chg_pct: number | null;
  oi_chg_pct: number | null;
  cvd: number | null;
  /** Largest |z| among the timeframe's z-scores, sign kept. */
  z: number | null;
}

/** One row of the market table: one exchange's view of one market. */
export interface MarketRow {
  exchange: string;
  symbol: string;
  market: string;
  /** Receipt time of the newest figure in the row. */
  local_ts: number;
  price: number | null;
  price_chg_pct: number | null;
  oi_usd: number | null;
  oi_chg_pct: number | null;
  funding_rate: number | null;
  basis_bps: number | null;
  ls_global: number | null;
  imbalance: number | null;
  cvd: number | null;
  z_max: number | null;
  composite: number | null;
  regime: string | null;
  timeframes: Partial<Record<TimeframeName, TimeframeView>>;
}

export interface AlertRow {
  exchange: string;
  market: string;
  local_ts: number;
  /** Start of the metrics bucket the alert closed (part of its natural key); null from older files. */
  bucket_ts: number | null;
  tier: number;
  rule: string;
  direction: string;
  value: number | null;
  threshold: number | null;
  price: number | null;
  inputs: Record<string, unknown>;
  fwd_ret_5m: number | null;
  fwd_ret_15m: number | null;
  fwd_ret_60m: number | null;
}

export interface GapRow {
  exchange: string;
  market: string;
  stream: string;
  start_ts: number;
  end_ts: number;
  cause: string;
}

export interface FeedRow {
  exchange: string;
  stream: string;
  last_local_ts: number;
}

/** [epoch ms, value] points, oldest first. */
export type SeriesPoint = [number, number];

export interface MarketSeries {
  price: SeriesPoint[];
  funding: SeriesPoint[];
  oi: SeriesPoint[];
  longShort: SeriesPoint[];
  /** Liquidated notional per bucket: longs liquidated (sell orders) and shorts (buy orders). */
  liqLong: SeriesPoint[];
  liqShort: SeriesPoint[];
}

export interface MetricHistoryRow {
  exchange: string;
  bucket_ts: number;
  price: number | null;
  composite: number | null;
  z_max: number | null;
  regime: string | null;
}

export interface TableCount {
  table: string;
  rows: number;
}

export interface SiteSnapshot {
  /** Where the data came from: `data/futures.db`, the bundled sample, or nothing. */
  source: {
    kind: 'database' | 'sample' | 'none';
    path: string | null;
    note: string | null;
    /** The recordings folder's closed segments (from its catalog.json), when the source is its hot database. */
    recordings: { segments: number; events: number; from: number | null } | null;
  };
  /** Receipt time of the newest recorded row, null when there is no data. */
  asOf: number | null;
  /** True when the metrics table exists: otherwise rows carry only raw latest values. */
  hasMetrics: boolean;
  markets: MarketRow[];
  alerts: AlertRow[];
  gaps: GapRow[];
  feeds: FeedRow[];
  counts: TableCount[];
}
