/**
 * Chart series for a market detail page, per exchange, from the raw event tables (present in
 * every recording, whatever the metrics schema). Each series is cut into at most MAX_POINTS
 * buckets over the market's last day so the page stays small; SQLite's bare-column rule with
 * max(seq) picks each bucket's last value.
 */
import type { Db, SqlValue } from '../../core/db.ts';
import type { MarketSeries, MetricHistoryRow, SeriesPoint } from '../lib/snapshot-types.ts';
import { num, str } from '../lib/values.ts';
import { hasTable } from './schema-probe.ts';

const MAX_POINTS = 600;
const WINDOW_MS = 24 * 3600_000;

interface Span {
  from: number;
  bucket: number;
}

function spanOf(db: Db, market: string): Span | null {
  let lo: number | null = null;
  let hi: number | null = null;
  for (const table of ['trades', 'book_tickers', 'derivative_tickers', 'open_interest', 'long_short', 'liquidations']) {
    if (!hasTable(db, table)) continue;
    const [r] = db.all<{ lo: number | null; hi: number | null }>(
      `SELECT min(local_ts) AS lo, max(local_ts) AS hi FROM ${table} WHERE market = ?`,
      [market],
    );
    if (r?.lo != null) lo = lo === null ? r.lo : Math.min(lo, r.lo);
    if (r?.hi != null) hi = hi === null ? r.hi : Math.max(hi, r.hi);
  }
  if (lo === null || hi === null) return null;
  const from = Math.max(lo, hi - WINDOW_MS);
  return { from, bucket: Math.max(1000, Math.ceil((hi - from + 1) / MAX_POINTS)) };
}

type Grouped = { exchange: string; t: number; v: SqlValue };

function bucketed(
  db: Db,
  table: string,
  valueSql: string,
  market: string,
  span: Span,
  extraWhere = '',
  aggregate = 'last',
): Grouped[] {
  if (!hasTable(db, table)) return [];
  const pick = aggregate === 'last' ? `${valueSql} AS v, max(seq)` : `${aggregate}(${valueSql}) AS v`;
  // The bucket is our own integer, written into the SQL: a bound JS number arrives as REAL and
  // would turn the integer division into a float one.
  const b = Math.trunc(span.bucket);
  return db.all<Grouped>(
    `SELECT exchange, (local_ts / ${b}) * ${b} AS t, ${pick} FROM ${table} WHERE market = ? AND local_ts >= ? ${extraWhere} GROUP BY exchange, t ORDER BY t`,
    [market, span.from],
  );
}

const emptySeries = (): MarketSeries => ({ price: [], funding: [], oi: [], longShort: [], liqLong: [], liqShort: [] });

export function readMarketSeries(db: Db, market: string): Record<string, MarketSeries> {
  const span = spanOf(db, market);
  const out: Record<string, MarketSeries> = {};
  if (!span) return out;
  const add = (field: keyof MarketSeries, rows: Grouped[]) => {
    for (const r of rows) {
      const v = num(r.v);
      if (v === null) continue;
      const point: SeriesPoint = [Number(r.t), v];
      (out[r.exchange] ??= emptySeries())[field].push(point);
    }
  };
  const trades = bucketed(db, 'trades', 'price', market, span);
  add(
    'price',
    trades.length
      ? trades
      : bucketed(db, 'book_tickers', '(CAST(bid_price AS REAL) + CAST(ask_price AS REAL)) / 2', market, span),
  );
  add('funding', bucketed(db, 'derivative_tickers', 'funding_rate', market, span, 'AND funding_rate IS NOT NULL'));
  const oi = bucketed(db, 'open_interest', 'open_interest', market, span);
  add(
    'oi',
    oi.length ? oi : bucketed(db, 'derivative_tickers', 'open_interest', market, span, 'AND open_interest IS NOT NULL'),
  );
  add('longShort', bucketed(db, 'long_short', 'ratio', market, span, "AND ratio_type = 'global_accounts'"));
  const notional = 'CAST(price AS REAL) * CAST(qty AS REAL)';
  add('liqLong', bucketed(db, 'liquidations', notional, market, span, "AND side = 'sell'", 'sum'));
  add('liqShort', bucketed(db, 'liquidations', notional, market, span, "AND side = 'buy'", 'sum'));
  return out;
}

/** The newest metric rows of a market (composite, z, regime), oldest first. */
export function readMetricHistory(db: Db, market: string, limit = 300): MetricHistoryRow[] {
  if (!hasTable(db, 'metrics')) return [];
  const rows = db.all<Record<string, unknown>>(
    'SELECT exchange, bucket_ts, price, composite, z_max, regime FROM metrics WHERE market = ? ORDER BY bucket_ts DESC LIMIT ?',
    [market, limit],
  );
  return rows
    .map((r) => ({
      exchange: str(r.exchange) ?? '',
      bucket_ts: num(r.bucket_ts) ?? 0,
      price: num(r.price),
      composite: num(r.composite),
      z_max: num(r.z_max),
      regime: str(r.regime),
    }))
    .reverse();
}
