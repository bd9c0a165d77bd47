/**
 * Determinism check: recompute every metric row and alert from the recorded events, in `seq`
 * order, with the config(s) the collector recorded, and compare with what it wrote live. Rows are
 * compared as the SQL values they serialize to (one serialization, store.ts), so "equal" means
 * bit-identical, JSON columns included.
 */
import type { Db, SqlValue } from '../core/db.ts';
import type { Logger } from '../core/log.ts';
import { readEvents } from './player/read-events.ts';
import { defaultMetricsConfig, type MetricsConfig } from '../core/metrics/config.ts';
import { createMetricsEngine, type MetricsEngine } from '../core/metrics/engine.ts';
import {
  ALERT_COLUMNS,
  alertValues,
  hasTable,
  METRIC_COLUMNS,
  metricValues,
  readMetricsConfigs,
} from '../core/metrics/store.ts';
import type { AlertRecord } from '../core/metrics/types.ts';
import { FbError } from '../core/errors.ts';

export interface Difference {
  table: 'metrics' | 'alerts';
  /** exchange, symbol and bucket (and rule/direction for alerts) of the row. */
  where: string;
  /** The first differing column (a JSON path inside z/timeframes/inputs), or "row". */
  field: string;
  stored: string;
  recomputed: string;
}

export interface VerifyResult {
  events: number;
  metrics: number;
  alerts: number;
  /** The first `maxDifferences` differences. */
  differences: Difference[];
  /** How many differences there are in all. */
  differenceCount: number;
  /** Where the config came from. */
  configSource: 'recorded' | 'given' | 'default';
}

export interface VerifyOptions {
  /** Use this config for the whole file instead of the recorded ones. */
  config?: MetricsConfig;
  logger: Logger;
  /** Stop collecting differences after this many (the count keeps going). */
  maxDifferences?: number;
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
const iso = (ms: number) => new Date(ms).toISOString();
const alertKey = (a: { exchange: string; symbol: string; bucket_ts: number; rule: string; direction: string }) =>
  `${a.exchange} ${a.symbol} ${iso(a.bucket_ts)} ${a.rule} ${a.direction}`;

/** The first path at which two JSON values differ, or null when equal. */
function jsonDiff(a: unknown, b: unknown, path: string): { path: string; a: unknown; b: unknown } | null {
  if (Object.is(a, b) || (a === 0 && b === 0)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return { path, a, b };
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const d = jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** The first differing column of two rows of SQL values, or null. */
function rowDiff(columns: readonly string[], stored: SqlValue[], recomputed: SqlValue[], json: ReadonlySet<string>) {
  for (let i = 0; i < columns.length; i++) {
    const s = stored[i];
    const r = recomputed[i];
    if (s === r) continue;
    if (json.has(columns[i]) && typeof s === 'string' && typeof r === 'string') {
      const d = jsonDiff(JSON.parse(s), JSON.parse(r), columns[i]);
      if (d) return { field: d.path, stored: show(d.a), recomputed: show(d.b) };
      continue;
    }
    return { field: columns[i], stored: show(s), recomputed: show(r) };
  }
  return null;
}

export function verifyMetrics(db: Db, opts: VerifyOptions): VerifyResult {
  for (const t of ['metrics', 'alerts'])
    if (!hasTable(db, t))
      throw new FbError(
        'E_VERIFY_SCHEMA',
        `this database has no ${t} table (it predates schema version 2): nothing to verify`,
      );
  const max = opts.maxDifferences ?? 10;
  const result: VerifyResult = {
    events: 0,
    metrics: 0,
    alerts: 0,
    differences: [],
    differenceCount: 0,
    configSource: 'given',
  };
  const differ = (d: Difference) => {
    result.differenceCount++;
    if (result.differences.length < max) result.differences.push(d);
  };

  let configs: { fromSeq: number; config: MetricsConfig }[];
  if (opts.config) configs = [{ fromSeq: -Infinity, config: opts.config }];
  else {
    configs = hasTable(db, 'metrics_config') ? readMetricsConfigs(db) : [];
    result.configSource = configs.length ? 'recorded' : 'default';
    if (!configs.length) configs = [{ fromSeq: -Infinity, config: defaultMetricsConfig }];
  }

  const metricJson = new Set(['z', 'timeframes']);
  const stored = db
    .iterate<Record<string, SqlValue>>(`SELECT id, ${METRIC_COLUMNS.join(', ')} FROM metrics ORDER BY id`)
    [Symbol.iterator]();
  const recomputedAlerts = new Map<string, AlertRecord>();
  let engine: MetricsEngine = createMetricsEngine(configs[0].config, { logger: opts.logger });
  let next = 1;
  try {
    for (const e of readEvents(db)) {
      result.events++;
      // The collector started a fresh engine with this config at this seq; so does the check.
      while (next < configs.length && e.seq >= configs[next].fromSeq)
        engine = createMetricsEngine(configs[next++].config, { logger: opts.logger });
      const out = engine.onEvent(e);
      if (!out) continue;
      for (const row of out.metrics) {
        result.metrics++;
        const got = metricValues(row);
        const where = `${row.exchange} ${row.symbol} ${iso(row.bucket_ts)}`;
        const s = stored.next();
        if (s.done) {
          differ({ table: 'metrics', where, field: 'row', stored: '(missing)', recomputed: 'a row' });
          continue;
        }
        const d = rowDiff(
          METRIC_COLUMNS,
          METRIC_COLUMNS.map((c) => s.value[c]),
          got,
          metricJson,
        );
        if (d) differ({ table: 'metrics', where: `id ${String(s.value.id)}: ${where}`, ...d });
      }
      for (const a of out.alerts) recomputedAlerts.set(alertKey(a), a);
      for (const u of out.forwardReturns) {
        const a = recomputedAlerts.get(alertKey(u.alert));
        if (a) a[u.column] = u.value;
      }
    }
    for (let s = stored.next(); !s.done; s = stored.next())
      differ({
        table: 'metrics',
        where: `id ${String(s.value.id)}: ${s.value.exchange} ${s.value.symbol} ${iso(Number(s.value.bucket_ts))}`,
        field: 'row',
        stored: 'a row',
        recomputed: '(missing)',
      });
  } finally {
    stored.return?.();
  }

  // Alerts are few: match them by their natural key rather than by position.
  const inputsJson = new Set(['inputs']);
  const storedAlerts = db.all<Record<string, SqlValue>>(
    `SELECT id, ${ALERT_COLUMNS.join(', ')} FROM alerts ORDER BY id`,
  );
  for (const s of storedAlerts) {
    const key = alertKey({
      exchange: String(s.exchange),
      symbol: String(s.symbol),
      bucket_ts: Number(s.bucket_ts),
      rule: String(s.rule),
      direction: String(s.direction),
    });
    const r = recomputedAlerts.get(key);
    recomputedAlerts.delete(key);
    if (!r) {
      differ({
        table: 'alerts',
        where: `id ${String(s.id)}: ${key}`,
        field: 'row',
        stored: 'an alert',
        recomputed: '(missing)',
      });
      continue;
    }
    result.alerts++;
    const d = rowDiff(
      ALERT_COLUMNS,
      ALERT_COLUMNS.map((c) => s[c]),
      alertValues(r),
      inputsJson,
    );
    if (d) differ({ table: 'alerts', where: `id ${String(s.id)}: ${key}`, ...d });
  }
  for (const key of recomputedAlerts.keys())
    differ({ table: 'alerts', where: key, field: 'row', stored: '(missing)', recomputed: 'an alert' });
  return result;
}
