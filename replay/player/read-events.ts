/**
 * Reading recorded events back: every event table read in `seq` order (the order the live
 * collector processed them, gaps included) and merged into one typed stream.
 */
import type { Db, SqlValue } from '../../core/db.ts';
import { EVENT_KINDS, type EventKind, type RecordedEvent } from '../../core/events.ts';
import { mergeBySeq, type RowSource } from './merge.ts';
import { columnNames, EVENT_TABLES, type EventTable } from '../../core/tables.ts';
import { FbError } from '../../core/errors.ts';

export interface ReplayFilter {
  /** Receipt time (local_ts) lower bound, inclusive, epoch ms. */
  from?: number;
  /** Receipt time upper bound, exclusive, epoch ms. */
  to?: number;
  /**
   * Unified markets (BTC/USDT:USDT). Gaps of a whole connection (market '') are kept: they
   * concern every market of that connection.
   */
  markets?: readonly string[];
  kinds?: readonly EventKind[];
}

/** Throws E_REPLAY_FILTER naming the bad field and what it must be. */
export function checkFilter(filter: ReplayFilter): void {
  const bad = (msg: string) => new FbError('E_REPLAY_FILTER', msg);
  for (const key of ['from', 'to'] as const) {
    const v = filter[key];
    if (v !== undefined && !Number.isSafeInteger(v))
      throw bad(`filter.${key} must be epoch milliseconds (an integer), got ${String(v)}`);
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw bad(`filter.from (${filter.from}) must not be after filter.to (${filter.to})`);
  if (filter.markets?.some((m) => typeof m !== 'string' || m === ''))
    throw bad('filter.markets must list unified markets such as BTC/USDT:USDT');
  const unknown = filter.kinds?.filter((k) => !EVENT_KINDS.includes(k));
  if (unknown?.length)
    throw bad(`filter.kinds has unknown kind(s) ${unknown.join(', ')}; known: ${EVENT_KINDS.join(', ')}`);
}

function tablesFor(filter: ReplayFilter): readonly EventTable[] {
  return filter.kinds ? EVENT_TABLES.filter((t) => filter.kinds!.includes(t.kind)) : EVENT_TABLES;
}

/**
 * WHERE clause for one table. The unary `+` keeps SQLite from using the (market, local_ts)
 * indexes: with them it would have to sort by seq afterwards, holding the whole range in a temp
 * b-tree before the first row; a rowid-order scan streams from the first row.
 */
function where(t: EventTable, filter: ReplayFilter): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (filter.from !== undefined) {
    clauses.push('+local_ts >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('+local_ts < ?');
    params.push(filter.to);
  }
  if (filter.markets) {
    const list = filter.markets.map(() => '?').join(', ');
    clauses.push(t.kind === 'gap' ? `(+market IN (${list}) OR market = '')` : `+market IN (${list})`);
    params.push(...filter.markets);
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function tableSource(db: Db, t: EventTable, filter: ReplayFilter): RowSource<RecordedEvent> {
  const w = where(t, filter);
  const sql = `SELECT ${columnNames(t).join(', ')} FROM ${t.table}${w.sql} ORDER BY seq`;
  return { open: () => db.iterateRaw(sql, w.params)[Symbol.iterator](), toEvent: t.toEvent };
}

/** Recorded events matching `filter`, in `seq` order. Lazy: rows are read as they are consumed. */
export function readEvents(db: Db, filter: ReplayFilter = {}): Iterable<RecordedEvent> {
  checkFilter(filter);
  return { [Symbol.iterator]: () => mergeBySeq(tablesFor(filter).map((t) => tableSource(db, t, filter))) };
}

export interface EventSummary {
  count: number;
  /** Receipt time of the first and last matching event, null when there is none. */
  first_ts: number | null;
  last_ts: number | null;
}

/** How many events match `filter` and the receipt times they span (progress bars, seek bars). */
export function summarizeEvents(db: Db, filter: ReplayFilter = {}): EventSummary {
  checkFilter(filter);
  const out: EventSummary = { count: 0, first_ts: null, last_ts: null };
  for (const t of tablesFor(filter)) {
    const w = where(t, filter);
    const [r] = db.all<{ n: number; lo: number | null; hi: number | null }>(
      `SELECT count(*) AS n, min(local_ts) AS lo, max(local_ts) AS hi FROM ${t.table}${w.sql}`,
      w.params,
    );
    out.count += Number(r.n);
    if (r.lo !== null) out.first_ts = out.first_ts === null ? r.lo : Math.min(out.first_ts, r.lo);
    if (r.hi !== null) out.last_ts = out.last_ts === null ? r.hi : Math.max(out.last_ts, r.hi);
  }
  return out;
}

/**
 * A reopenable source for the player: the filtered stream starting at a receipt time (or at
 * the filter's own start when `from` is undefined).
 */
export function dbSource(db: Db, filter: ReplayFilter = {}): (from?: number) => Iterable<RecordedEvent> {
  checkFilter(filter);
  return (from) =>
    readEvents(db, { ...filter, from: from === undefined ? filter.from : Math.max(from, filter.from ?? from) });
}
