/**
 * The metrics settings a recording was made with. The collector records its config in
 * `metrics_config` (from_seq onwards); replay and backtests use the one in force at the first
 * event they read, so they see the same metric rows and alerts live did. Files without that
 * table (older schema) or without a recorded config get the defaults.
 */
import type { Db } from '../../core/db.ts';
import { defaultMetricsConfig, type MetricsConfig } from '../../core/metrics/config.ts';
import { readMetricsConfigs } from '../../core/metrics/store.ts';

export function recordedMetricsConfig(db: Db, atSeq: number | null): MetricsConfig {
  const [t] = db.all<{ n: number }>(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'metrics_config'",
  );
  if (!Number(t.n)) return defaultMetricsConfig;
  const configs = readMetricsConfigs(db);
  if (!configs.length) return defaultMetricsConfig;
  const inForce = atSeq === null ? undefined : configs.filter((c) => c.fromSeq <= atSeq).pop();
  return (inForce ?? configs[0]).config;
}
