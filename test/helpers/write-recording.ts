/**
 * Rows planted in a recording through the code that writes them for real, for tests of what
 * reads a recording (export, HTTP API, continuity stats): events through the collector's
 * inserter (collector/store/insert.ts), metric rows and alerts through writeEngineOutput. Schema
 * v2 keeps them in compact tables behind read-only views, so a test cannot INSERT v1 rows, and
 * going through the writers keeps planted rows the shape the collector stores.
 */
import type Database from 'better-sqlite3';
import { prepareInserter } from '../../collector/store/insert.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { writeEngineOutput } from '../../core/metrics/store.ts';
import type { AlertRecord, MetricRow } from '../../core/metrics/types.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';

/** Inserts `events`, each at its own seq, in one transaction: one batch of the collector's writer. */
export function writeEvents(db: Database.Database, events: Iterable<RecordedEvent>): void {
  const insert = prepareInserter(db);
  db.transaction(() => {
    for (const e of events) insert(e.seq, e);
  })();
}

/** Writes metric rows and alerts as the live engine's output is written; returns the alerts' ids. */
export function writeMetricsAndAlerts(
  db: Database.Database,
  out: { metrics?: MetricRow[]; alerts?: AlertRecord[] },
): number[] {
  return writeEngineOutput(wrapNodeDb(db), {
    metrics: out.metrics ?? [],
    alerts: out.alerts ?? [],
    forwardReturns: [],
  });
}

/** A complete metric row of BTC/USDT:USDT on binance-usdm, figures empty or zero, with `over` on top. */
export function metricRow(over: Partial<MetricRow> = {}): MetricRow {
  return {
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    bucket_ts: 0,
    local_ts: 0,
    seq: 0,
    warmup: false,
    price: null,
    price_chg_pct: null,
    volume: 0,
    quote_volume: 0,
    cvd: 0,
    oi_usd: null,
    oi_chg_pct: null,
    funding_rate: null,
    predicted_rate: null,
    basis_bps: null,
    ls_global: null,
    ls_top_accounts: null,
    ls_top_positions: null,
    taker_ratio: null,
    imbalance: null,
    liq_long_usd: 0,
    liq_short_usd: 0,
    rvol: null,
    rsi14: null,
    composite: null,
    regime: 'neutral',
    z_max: null,
    z: {},
    timeframes: {},
    ...over,
  };
}

/** A complete alert on BTC/USDT:USDT on binance-usdm, no price or forward returns, with `over` on top. */
export function alertRecord(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    local_ts: 0,
    seq: 0,
    bucket_ts: 0,
    tier: 1,
    rule: 'z',
    direction: 'up',
    value: 3,
    threshold: 2,
    price: null,
    inputs: {},
    fwd_ret_5m: null,
    fwd_ret_15m: null,
    fwd_ret_60m: null,
    ...over,
  };
}
