/**
 * The one entry point pages use at build time. The file is opened once per build and the
 * snapshot read once; per-market series are read on demand by the market pages. Any read that
 * fails (a file half-written, a foreign schema) degrades to "no data" with the reason shown.
 */
import type { Db } from '../../core/db.ts';
import type { AlertRow, MarketSeries, MetricHistoryRow, SiteSnapshot } from '../lib/snapshot-types.ts';
import { readAlerts, readAsOf, readCounts, readFeeds, readGaps } from './events.ts';
import { readMarkets } from './markets.ts';
import { openSource } from './open-source.ts';
import { hasTable } from './schema-probe.ts';
import { readMarketSeries, readMetricHistory } from './series.ts';

let cached: { snapshot: SiteSnapshot; db: Db | null } | undefined;

function emptySnapshot(source: SiteSnapshot['source']): SiteSnapshot {
  return { source, asOf: null, hasMetrics: false, markets: [], alerts: [], gaps: [], feeds: [], counts: [] };
}

function load(): { snapshot: SiteSnapshot; db: Db | null } {
  const opened = openSource();
  if (!opened.db) return { snapshot: emptySnapshot(opened.source), db: null };
  const db = opened.db;
  try {
    const hasMetrics = hasTable(db, 'metrics');
    return {
      db,
      snapshot: {
        source: opened.source,
        asOf: readAsOf(db),
        hasMetrics,
        markets: readMarkets(db, hasMetrics),
        alerts: readAlerts(db),
        gaps: readGaps(db),
        feeds: readFeeds(db),
        counts: readCounts(db),
      },
    };
  } catch (err) {
    db.close();
    return {
      snapshot: emptySnapshot({
        ...opened.source,
        kind: 'none',
        note: `${opened.source.path}: ${(err as Error).message}`,
      }),
      db: null,
    };
  }
}

export function siteSnapshot(): SiteSnapshot {
  cached ??= load();
  return cached.snapshot;
}

function guarded<T>(fallback: T, read: (db: Db) => T): T {
  cached ??= load();
  if (!cached.db) return fallback;
  try {
    return read(cached.db);
  } catch {
    return fallback;
  }
}

export const marketSeries = (market: string): Record<string, MarketSeries> =>
  guarded({}, (db) => readMarketSeries(db, market));
export const metricHistory = (market: string): MetricHistoryRow[] => guarded([], (db) => readMetricHistory(db, market));
export const marketAlerts = (market: string): AlertRow[] => guarded([], (db) => readAlerts(db, 200, market));
