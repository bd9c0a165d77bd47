/**
 * One prepared INSERT per event table of the registry (core/tables.ts), values bound
 * positionally in the table's column order.
 */
import type Database from 'better-sqlite3';
import type { EventKind, MarketEvent } from '../../core/events.ts';
import { EVENT_TABLES, insertSql } from '../../core/tables.ts';

export type Inserter = (seq: number, e: MarketEvent) => void;

export function prepareInserter(db: Database.Database): Inserter {
  const byKind = Object.fromEntries(
    EVENT_TABLES.map((t) => {
      const stmt = db.prepare(insertSql(t));
      const run = stmt.run.bind(stmt);
      const insert: Inserter = (seq, e) => t.encode(seq, e, run);
      return [t.kind, insert];
    }),
  ) as Record<EventKind, Inserter>;
  return (seq, e) => byKind[e.kind](seq, e);
}

/** The highest seq recorded so far (0 for a new database). */
export function maxSeq(db: Database.Database): number {
  const sql = `SELECT max(m) AS m FROM (${EVENT_TABLES.map((t) => `SELECT max(seq) AS m FROM ${t.table}`).join(' UNION ALL ')})`;
  return Number((db.prepare(sql).get() as { m: number | null }).m ?? 0);
}
