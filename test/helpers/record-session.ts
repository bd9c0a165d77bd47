/**
 * A session recorded the way the collector records it, without sockets: events inserted with
 * the collector's inserter, each followed by the metrics engine's output in the same transaction,
 * in seq order, the config recorded at each session's first seq, and a restart gap before each
 * session's data. Used by the metrics verify and alerts stats tests, on one file or split into a
 * recordings folder (recordings-folder.ts).
 */
import type { RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import type { MetricsConfig } from '../../core/metrics/config.ts';
import { createMetricsEngine } from '../../core/metrics/engine.ts';
import { recordMetricsConfig, writeEngineOutput } from '../../core/metrics/store.ts';
import type { MetricRow } from '../../core/metrics/types.ts';
import { migrate } from '../../core/migrations.ts';
import { prepareInserter } from '../../collector/store/insert.ts';
import { loadMigrations } from '../../collector/store/migrations.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';

/** Writes `sessions` one after the other into a new file at `path`, each started like the collector starts; `start` stamps the migrations. */
export function recordSessions(
  path: string,
  sessions: { config: MetricsConfig; events: RecordedEvent[] }[],
  start: number,
): MetricRow[] {
  const db = openNodeDb(path);
  migrate(db, loadMigrations(), () => start);
  const insert = prepareInserter(db.raw);
  const written: MetricRow[] = [];
  let seq = 1;
  for (const { config, events } of sessions) {
    recordMetricsConfig(db, config, seq, start);
    const engine = createMetricsEngine(config, { logger: silentLogger });
    // The collector writes a restart gap before any data of a session.
    const first = events[0];
    const restart: RecordedEvent = {
      kind: 'gap',
      exchange: first.exchange,
      symbol: '',
      market: '',
      ts: first.local_ts,
      local_ts: first.local_ts,
      stream: 'market',
      start_ts: first.local_ts - 60_000,
      end_ts: first.local_ts,
      seq_before: null,
      seq_after: null,
      cause: 'restart',
      seq: 0,
    };
    const all = [restart, ...events];
    for (let i = 0; i < all.length; i += 500) {
      db.transaction(() => {
        for (const e of all.slice(i, i + 500)) {
          const recorded = { ...e, seq: seq++ } as RecordedEvent;
          insert(recorded.seq, recorded);
          const out = engine.onEvent(recorded);
          if (out) {
            writeEngineOutput(db, out);
            written.push(...out.metrics);
          }
        }
      });
    }
  }
  db.close();
  return written;
}
