/**
 * Metric rows and alerts in a v2 file (core/migrations/003_compact_store.sql): no JSON per row.
 * A metric row's bucket-level z-scores are z_* columns and its rolling timeframes are rows of
 * `metric_timeframes`; reading rebuilds the very objects the engine produced (same keys, same key
 * order, every double bit for bit), as the JSON text the v1 `metrics` columns held, so
 * store.ts serves both schemas with one row shape.
 */
import type { Db, SqlValue } from '../db.ts';
import { fileBaseTs } from '../compact-tables.ts';
import { METRIC_COLUMNS, TIMEFRAME_FIELDS } from './columns.ts';
import { Z_SERIES, TIMEFRAME_Z_SERIES } from './config.ts';
import type { ForwardReturnUpdate, MetricRow, Regime, TimeframeFigures } from './types.ts';

/** Keys of a metric row's `z` object, in the engine's order; bit i of `z_mask` says key i is present. */
export const Z_KEYS = [...Z_SERIES, 'xex_oi', 'xex_funding'] as const;
export const REGIMES: readonly Regime[] = ['accumulation', 'expansion', 'distribution', 'exhaustion', 'neutral'];
/** TimeframeFigures fields before `z`, in the engine's order. */
const TF_FIELDS = TIMEFRAME_FIELDS;
/** Bucket-level figures stored as they are: the `metrics` columns from price to composite. */
const FIGURES = METRIC_COLUMNS.slice(
  METRIC_COLUMNS.indexOf('price'),
  METRIC_COLUMNS.indexOf('composite') + 1,
) as Exclude<
  (typeof METRIC_COLUMNS)[number],
  | 'exchange'
  | 'symbol'
  | 'market'
  | 'bucket_ts'
  | 'local_ts'
  | 'seq'
  | 'warmup'
  | 'regime'
  | 'z_max'
  | 'z'
  | 'timeframes'
>[];

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const METRIC_COLS = [
  'm',
  'bucket_ts',
  't',
  'seq',
  'warmup',
  ...FIGURES,
  'regime',
  'z_max',
  'z_mask',
  ...Z_KEYS.map((k) => `z_${k}`),
];
const TF_COLS = ['metric_id', 'ord', 'name', ...TF_FIELDS, 'z_mask', ...TIMEFRAME_Z_SERIES.map((k) => `z_${k}`)];
const ADD_KEY = 'INSERT OR IGNORE INTO market_keys (exchange, symbol, market) VALUES (?, ?, ?)';
const KEY_ID = '(SELECT id FROM market_keys WHERE exchange = ? AND symbol = ? AND market = ?)';
const INSERT_METRIC = `INSERT INTO metric_rows (${METRIC_COLS.join(', ')}) VALUES (${KEY_ID}, ${marks(METRIC_COLS.length - 1)}) RETURNING id`;
const INSERT_TF = `INSERT INTO metric_timeframes (${TF_COLS.join(', ')}) VALUES (${marks(TF_COLS.length)})`;
const INSERT_RETURN =
  'INSERT OR REPLACE INTO alert_returns (exchange, symbol, bucket_ts, rule, direction, horizon, value, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/** Mask of the keys of `obj` present among `keys`, and their values (null when absent). */
function masked(obj: Record<string, number | null | undefined>, keys: readonly string[]): [number, SqlValue[]] {
  let mask = 0;
  const values = keys.map((k, i) => {
    if (!(k in obj)) return null;
    mask += 2 ** i;
    return obj[k] ?? null;
  });
  return [mask, values];
}

export function writeCompactMetric(db: Db, r: MetricRow): void {
  const base = fileBaseTs(db);
  db.run(ADD_KEY, [r.exchange, r.symbol, r.market]);
  const [zMask, z] = masked(r.z, Z_KEYS);
  const [{ id }] = db.all<{ id: number }>(INSERT_METRIC, [
    r.exchange,
    r.symbol,
    r.market,
    r.bucket_ts,
    r.local_ts - base,
    r.seq,
    r.warmup ? 1 : 0,
    ...FIGURES.map((f) => r[f]),
    REGIMES.indexOf(r.regime),
    r.z_max,
    zMask,
    ...z,
  ]);
  Object.keys(r.timeframes).forEach((name, ord) => {
    const tf = r.timeframes[name];
    const [mask, tz] = masked(tf.z, TIMEFRAME_Z_SERIES);
    db.run(INSERT_TF, [id, ord, name, ...TF_FIELDS.map((f) => tf[f]), mask, ...tz]);
  });
}

/** A forward return, recorded where it matured (its alert may sit in an earlier, closed segment). */
export function writeAlertReturn(db: Db, u: ForwardReturnUpdate, seq: number): void {
  const k = u.alert;
  db.run(INSERT_RETURN, [k.exchange, k.symbol, k.bucket_ts, k.rule, k.direction, u.column, u.value, seq]);
}

export interface AlertReturn {
  exchange: string;
  symbol: string;
  bucket_ts: number;
  rule: string;
  direction: string;
  horizon: 'fwd_ret_5m' | 'fwd_ret_15m' | 'fwd_ret_60m';
  value: number | null;
}

/** Every forward return a v2 file records (readers of several segments fold them into earlier alerts). */
export const readAlertReturns = (db: Db): AlertReturn[] =>
  db.all<AlertReturn>('SELECT exchange, symbol, bucket_ts, rule, direction, horizon, value FROM alert_returns');

/** Columns of a v2 metric row as the v1 `metrics` columns (exchange, symbol, market, local_ts and text regime). */
const SELECT_METRIC = `SELECT r.id, k.exchange, k.symbol, k.market, r.bucket_ts, r.t, r.seq, r.warmup, ${FIGURES.map((f) => `r.${f}`).join(', ')},
  r.regime, r.z_max, r.z_mask, ${Z_KEYS.map((k) => `r.z_${k}`).join(', ')}
  FROM metric_rows r JOIN market_keys k ON k.id = r.m`;

/** A filter clause over a v1 column name ("market = ?"), on the v2 join. */
export const compactMetricColumn = (clause: string): string =>
  /^(exchange|symbol|market)\b/.test(clause) ? `k.${clause}` : `r.${clause}`;

function unmask(mask: number, keys: readonly string[], values: readonly SqlValue[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  keys.forEach((k, i) => {
    if (Math.floor(mask / 2 ** i) % 2 === 1) out[k] = values[i] as number | null;
  });
  return out;
}

/**
 * v2 metric rows matching `whereSql` (over compactMetricColumn names), in id order, each as the
 * v1 `metrics` columns with `z` and `timeframes` as the JSON text the engine's objects give.
 */
export function* iterateCompactMetrics(
  db: Db,
  whereSql = '',
  params: readonly SqlValue[] = [],
  limitSql = '',
): Generator<Record<string, SqlValue>> {
  const base = fileBaseTs(db);
  const rows = db.iterateRaw(`${SELECT_METRIC}${whereSql} ORDER BY r.id${limitSql}`, params)[Symbol.iterator]();
  const tfs = db
    .iterateRaw(`SELECT ${TF_COLS.join(', ')} FROM metric_timeframes ORDER BY metric_id, ord`)
    [Symbol.iterator]();
  let tf = tfs.next();
  try {
    for (let r = rows.next(); !r.done; r = rows.next()) {
      const v = r.value;
      const id = v[0] as number;
      const out: Record<string, SqlValue> = {
        id,
        exchange: v[1],
        symbol: v[2],
        market: v[3],
        bucket_ts: v[4],
        local_ts: (v[5] as number) + base,
        seq: v[6],
        warmup: v[7],
      };
      let i = 8;
      for (const f of FIGURES) out[f] = v[i++];
      out.regime = REGIMES[v[i++] as number];
      out.z_max = v[i++];
      const zMask = v[i++] as number;
      out.z = JSON.stringify(unmask(zMask, Z_KEYS, v.slice(i)));
      const timeframes: Record<string, TimeframeFigures> = {};
      while (!tf.done && (tf.value[0] as number) < id) tf = tfs.next();
      for (; !tf.done && tf.value[0] === id; tf = tfs.next()) {
        const t = tf.value;
        const figures: Record<string, unknown> = {};
        TF_FIELDS.forEach((f, j) => {
          figures[f] = t[3 + j];
        });
        const at = 3 + TF_FIELDS.length;
        figures.z = unmask(t[at] as number, TIMEFRAME_Z_SERIES, t.slice(at + 1));
        timeframes[t[2] as string] = figures as unknown as TimeframeFigures;
      }
      out.timeframes = JSON.stringify(timeframes);
      yield out;
    }
  } finally {
    rows.return?.();
    tfs.return?.();
  }
}
