/**
 * The one serialization of engine output to SQLite (tables of migration 002), shared by the live
 * collector, `metrics verify` and anything that reads metrics back. Goes through the Db port, so
 * it runs on better-sqlite3 and on sql.js alike.
 */
import type { Db, SqlValue } from '../db.ts';
import type { ExchangeId } from '../events.ts';
import { mergeMetricsConfig, type MetricsConfig } from './config.ts';
import { isCompactDb } from '../compact-tables.ts';
import { ALERT_COLUMNS, METRIC_COLUMNS } from './columns.ts';
import { compactMetricColumn, iterateCompactMetrics, writeAlertReturn, writeCompactMetric } from './compact-store.ts';
import type { AlertDirection, AlertRecord, AlertTier, EngineOutput, MetricRow, Regime } from './types.ts';

export { ALERT_COLUMNS, METRIC_COLUMNS };

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const INSERT_METRIC = `INSERT INTO metrics (${METRIC_COLUMNS.join(', ')}) VALUES (${placeholders(METRIC_COLUMNS.length)})`;
const INSERT_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.join(', ')}) VALUES (${placeholders(ALERT_COLUMNS.length)}) RETURNING id`;

/**
 * Whether the database has table `name`, as a table or (schema v2) a view of the same name:
 * files from before migration 002 lack the metrics tables.
 */
export function hasTable(db: Db, name: string): boolean {
  return (
    Number(
      db.all<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [
        name,
      ])[0].n,
    ) > 0
  );
}

/** A metric row as the SQL values of METRIC_COLUMNS. */
export function metricValues(r: MetricRow): SqlValue[] {
  return [
    r.exchange,
    r.symbol,
    r.market,
    r.bucket_ts,
    r.local_ts,
    r.seq,
    r.warmup ? 1 : 0,
    r.price,
    r.price_chg_pct,
    r.volume,
    r.quote_volume,
    r.cvd,
    r.oi_usd,
    r.oi_chg_pct,
    r.funding_rate,
    r.predicted_rate,
    r.basis_bps,
    r.ls_global,
    r.ls_top_accounts,
    r.ls_top_positions,
    r.taker_ratio,
    r.imbalance,
    r.liq_long_usd,
    r.liq_short_usd,
    r.rvol,
    r.rsi14,
    r.composite,
    r.regime,
    r.z_max,
    JSON.stringify(r.z),
    JSON.stringify(r.timeframes),
  ];
}

/** An alert as the SQL values of ALERT_COLUMNS. */
export function alertValues(a: AlertRecord): SqlValue[] {
  return [
    a.exchange,
    a.symbol,
    a.market,
    a.local_ts,
    a.seq,
    a.bucket_ts,
    a.tier,
    a.rule,
    a.direction,
    a.value,
    a.threshold,
    a.price,
    JSON.stringify(a.inputs),
    a.fwd_ret_5m,
    a.fwd_ret_15m,
    a.fwd_ret_60m,
  ];
}

/**
 * Persist one engine output. Does not open a transaction: call it inside the writer's, right
 * after the event that produced the output. Returns the ids of the inserted alerts, in order
 * (for the webhook queue).
 */
export function writeEngineOutput(db: Db, out: EngineOutput): number[] {
  const compact = isCompactDb(db);
  for (const r of out.metrics) {
    if (compact) writeCompactMetric(db, r);
    else db.run(INSERT_METRIC, metricValues(r));
  }
  const ids: number[] = [];
  const insertAlert = compact ? INSERT_ALERT.replace('INTO alerts', 'INTO alert_rows') : INSERT_ALERT;
  for (const a of out.alerts) ids.push(Number(db.all<{ id: number }>(insertAlert, alertValues(a))[0].id));
  for (const u of out.forwardReturns) {
    if (compact) {
      // Returns mature at a bucket close, which also writes that bucket's metric rows.
      writeAlertReturn(db, u, out.metrics.at(-1)?.seq ?? 0);
      continue;
    }
    const k = u.alert;
    // The column name comes from FORWARD_HORIZONS, never from input.
    db.run(
      `UPDATE alerts SET ${u.column} = ? WHERE exchange = ? AND symbol = ? AND bucket_ts = ? AND rule = ? AND direction = ?`,
      [u.value, k.exchange, k.symbol, k.bucket_ts, k.rule, k.direction],
    );
  }
  return ids;
}

/**
 * Record the config the engine runs with from event `fromSeq` on (the first seq the session
 * will write). A config equal to the one already in force is not recorded again.
 */
export function recordMetricsConfig(db: Db, config: MetricsConfig, fromSeq: number, recordedTs: number): void {
  const json = JSON.stringify(config);
  const last = db.all<{ config: string }>(
    'SELECT config FROM metrics_config WHERE from_seq <= ? ORDER BY from_seq DESC LIMIT 1',
    [fromSeq],
  );
  if (last[0]?.config === json) return;
  db.run('INSERT OR REPLACE INTO metrics_config (from_seq, config, recorded_ts) VALUES (?, ?, ?)', [
    fromSeq,
    json,
    recordedTs,
  ]);
}

/** Recorded configs in seq order; each is completed with today's defaults for settings added since. */
export function readMetricsConfigs(db: Db): { fromSeq: number; config: MetricsConfig }[] {
  return db
    .all<{ from_seq: number; config: string }>('SELECT from_seq, config FROM metrics_config ORDER BY from_seq')
    .map((r) => ({ fromSeq: Number(r.from_seq), config: mergeMetricsConfig(JSON.parse(r.config)) as MetricsConfig }));
}

export interface MetricsQuery {
  exchange?: ExchangeId;
  symbol?: string;
  market?: string;
  /** bucket_ts >= from */
  from?: number;
  /** bucket_ts < to */
  to?: number;
  limit?: number;
}

function where(
  q: { exchange?: string; symbol?: string; market?: string },
  time: [string, number | undefined][],
  column: (name: string) => string = (c) => c,
) {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, v: SqlValue | undefined) => {
    if (v === undefined) return;
    clauses.push(column(clause));
    params.push(v);
  };
  add('exchange = ?', q.exchange);
  add('symbol = ?', q.symbol);
  add('market = ?', q.market);
  for (const [clause, v] of time) add(clause, v);
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

/** ` LIMIT n` for an optional row limit. */
const limitSql = (limit: number | undefined) => (limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : '');
/** A nullable numeric column. */
const n = (v: SqlValue) => (v === null ? null : Number(v));

export type MetricSqlRow = Record<(typeof METRIC_COLUMNS)[number], SqlValue> & { id: number };

/** Metric rows in the order they were written, JSON columns parsed. */
export function readMetrics(db: Db, q: MetricsQuery = {}): (MetricRow & { id: number })[] {
  return [...iterateStoredMetrics(db, q)].map(metricFromSql);
}

/**
 * Stored metric rows as the SQL values of `id` and METRIC_COLUMNS, in id order, from either
 * schema (`metrics verify` compares them with recomputed rows column by column).
 */
export function iterateStoredMetrics(db: Db, q: MetricsQuery = {}): Iterable<MetricSqlRow> {
  const compact = isCompactDb(db);
  const w = where(
    q,
    [
      ['bucket_ts >= ?', q.from],
      ['bucket_ts < ?', q.to],
    ],
    compact ? compactMetricColumn : (c) => c,
  );
  if (compact) return iterateCompactMetrics(db, w.sql, w.params, limitSql(q.limit)) as Iterable<MetricSqlRow>;
  return db.iterate<MetricSqlRow>(
    `SELECT id, ${METRIC_COLUMNS.join(', ')} FROM metrics${w.sql} ORDER BY id${limitSql(q.limit)}`,
    w.params,
  );
}

export function metricFromSql(r: MetricSqlRow): MetricRow & { id: number } {
  return {
    id: Number(r.id),
    exchange: r.exchange as ExchangeId,
    symbol: String(r.symbol),
    market: String(r.market),
    bucket_ts: Number(r.bucket_ts),
    local_ts: Number(r.local_ts),
    seq: Number(r.seq),
    warmup: Number(r.warmup) === 1,
    price: n(r.price),
    price_chg_pct: n(r.price_chg_pct),
    volume: Number(r.volume),
    quote_volume: Number(r.quote_volume),
    cvd: Number(r.cvd),
    oi_usd: n(r.oi_usd),
    oi_chg_pct: n(r.oi_chg_pct),
    funding_rate: n(r.funding_rate),
    predicted_rate: n(r.predicted_rate),
    basis_bps: n(r.basis_bps),
    ls_global: n(r.ls_global),
    ls_top_accounts: n(r.ls_top_accounts),
    ls_top_positions: n(r.ls_top_positions),
    taker_ratio: n(r.taker_ratio),
    imbalance: n(r.imbalance),
    liq_long_usd: Number(r.liq_long_usd),
    liq_short_usd: Number(r.liq_short_usd),
    rvol: n(r.rvol),
    rsi14: n(r.rsi14),
    composite: n(r.composite),
    regime: r.regime as Regime,
    z_max: n(r.z_max),
    z: JSON.parse(String(r.z)),
    timeframes: JSON.parse(String(r.timeframes)),
  };
}

export interface AlertsQuery {
  id?: number;
  exchange?: ExchangeId;
  symbol?: string;
  market?: string;
  /** local_ts >= since */
  since?: number;
  tier?: AlertTier;
  limit?: number;
}

type AlertSqlRow = Record<(typeof ALERT_COLUMNS)[number], SqlValue> & { id: number };

/** Alerts in the order they fired, JSON parsed. */
export function readAlerts(db: Db, q: AlertsQuery = {}): (AlertRecord & { id: number })[] {
  const w = where(q, [
    ['id = ?', q.id],
    ['local_ts >= ?', q.since],
    ['tier = ?', q.tier],
  ]);
  return db
    .all<AlertSqlRow>(
      `SELECT id, ${ALERT_COLUMNS.join(', ')} FROM alerts${w.sql} ORDER BY id${limitSql(q.limit)}`,
      w.params,
    )
    .map(alertFromSql);
}

export function alertFromSql(r: AlertSqlRow): AlertRecord & { id: number } {
  return {
    id: Number(r.id),
    exchange: r.exchange as ExchangeId,
    symbol: String(r.symbol),
    market: String(r.market),
    local_ts: Number(r.local_ts),
    seq: Number(r.seq),
    bucket_ts: Number(r.bucket_ts),
    tier: Number(r.tier) as AlertTier,
    rule: String(r.rule),
    direction: r.direction as AlertDirection,
    value: Number(r.value),
    threshold: Number(r.threshold),
    price: n(r.price),
    inputs: JSON.parse(String(r.inputs)),
    fwd_ret_5m: n(r.fwd_ret_5m),
    fwd_ret_15m: n(r.fwd_ret_15m),
    fwd_ret_60m: n(r.fwd_ret_60m),
  };
}
