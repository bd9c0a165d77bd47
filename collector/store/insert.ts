/**
 * The collector's INSERTs into the compact event tables (core/compact-tables.ts): one prepared
 * statement per table, values bound positionally, and the markets dictionary kept in memory so
 * a row costs no lookup. A market seen for the first time gets its `market_keys` row inside the
 * same transaction; after a rollback the writer calls `forget()`, so no id outlives its row.
 */
import type Database from 'better-sqlite3';
import type { EventKind, MarketEvent } from '../../core/events.ts';
import { COMPACT_TABLES, compactInsertSql } from '../../core/compact-tables.ts';

export interface Inserter {
  (seq: number, e: MarketEvent): void;
  /** Drop the cached market ids (their rows may have been rolled back). */
  forget(): void;
}

/** The file's base time: `t` columns count from it (0 in a hot database, the period start in a segment). */
export function baseTs(db: Database.Database): number {
  const row = db.prepare("SELECT value FROM store_meta WHERE key = 'base_ts'").get() as { value: number } | undefined;
  return Number(row?.value ?? 0);
}

export function prepareInserter(db: Database.Database): Inserter {
  const base = baseTs(db);
  const ids = new Map<string, number>();
  const find = db.prepare('SELECT id FROM market_keys WHERE exchange = ? AND symbol = ? AND market = ?').pluck();
  const add = db.prepare('INSERT INTO market_keys (exchange, symbol, market) VALUES (?, ?, ?)');
  const idOf = (e: MarketEvent): number => {
    const key = `${e.exchange}\0${e.symbol}\0${e.market}`;
    let id = ids.get(key);
    if (id === undefined) {
      id =
        (find.get(e.exchange, e.symbol, e.market) as number | undefined) ??
        Number(add.run(e.exchange, e.symbol, e.market).lastInsertRowid);
      ids.set(key, id);
    }
    return id;
  };
  const byKind = Object.fromEntries(
    COMPACT_TABLES.map((t) => {
      const stmt = db.prepare(compactInsertSql(t));
      const run = stmt.run.bind(stmt);
      return [
        t.kind,
        (seq: number, e: MarketEvent) => {
          t.encode(seq, e, idOf(e), base, run);
        },
      ];
    }),
  ) as Record<EventKind, (seq: number, e: MarketEvent) => void>;
  const insert = ((seq: number, e: MarketEvent) => byKind[e.kind](seq, e)) as Inserter;
  insert.forget = () => ids.clear();
  return insert;
}

/**
 * The highest seq recorded so far (0 for a new database): the largest row, or the store's
 * `seq_floor` when closed segments took every row (the sequence runs on across segments).
 */
export function maxSeq(db: Database.Database): number {
  const tables = COMPACT_TABLES.map((t) => `SELECT max(seq) AS m FROM ${t.table}`);
  const floor = "SELECT value AS m FROM store_meta WHERE key = 'seq_floor'";
  const sql = `SELECT max(m) AS m FROM (${[...tables, floor].join(' UNION ALL ')})`;
  return Number((db.prepare(sql).get() as { m: number | null }).m ?? 0);
}
