/**
 * Reading recorded events back: every event table read in `seq` order (the order the live
 * collector processed them, gaps included) and merged into one typed stream. Reads both schemas:
 * v1 files (text columns, core/tables.ts) and v2 files (compact rows, core/compact-tables.ts).
 */
import type { Db, SqlValue } from '../../core/db.ts';
import { EVENT_KINDS, type EventKind, type RecordedEvent } from '../../core/events.ts';
import { mergeBySeq, type RowSource } from './merge.ts';
import { columnNames, EVENT_TABLES, type EventTable } from '../../core/tables.ts';
import {
  COMPACT_TABLE_OF,
  compactColumnNames,
  fileBaseTs,
  isCompactDb,
  type MarketKey,
  type RowContext,
} from '../../core/compact-tables.ts';
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
  /** Only events after this seq (a hot database's rows already closed into segments are skipped). */
  afterSeq?: number;
}

/** Throws E_REPLAY_FILTER naming the bad field and what it must be. */
export function checkFilter(filter: ReplayFilter): void {
  const bad = (msg: string) => new FbError('E_REPLAY_FILTER', msg);
  for (const key of ['from', 'to', 'afterSeq'] as const) {
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

/** What a v2 file's rows need to become events: its base time and markets dictionary. */
interface CompactFile {
  base: number;
  /** A closed segment's `t` columns hold deltas (collector/store/extract.ts): summed back in seq order. */
  delta: boolean;
  contexts: Map<number, RowContext>;
  /** Market ids of unified markets (connection-wide gaps have market ''). */
  idsOf(markets: readonly string[]): number[];
}

function compactFile(db: Db): CompactFile {
  const base = fileBaseTs(db);
  const keys = db.all<MarketKey & { id: number }>('SELECT id, exchange, symbol, market FROM market_keys');
  const contexts = new Map(
    keys.map((k) => [Number(k.id), { base, key: { exchange: k.exchange, symbol: k.symbol, market: k.market } }]),
  );
  const coding = db.all<{ v: string }>("SELECT value AS v FROM store_meta WHERE key = 'time_coding'")[0]?.v;
  return {
    base,
    delta: coding === 'delta',
    contexts,
    idsOf: (markets) => keys.filter((k) => markets.includes(k.market)).map((k) => Number(k.id)),
  };
}

/**
 * WHERE clause for one table. The unary `+` keeps SQLite off any (market, time) index: with one
 * it would have to sort by seq afterwards, holding the whole range in a temp b-tree before the
 * first row; a rowid-order scan streams from the first row. In a v2 file times are relative to
 * its base and markets are ids.
 */
function where(kind: EventKind, filter: ReplayFilter, file: CompactFile | null): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const time = file ? '+t' : '+local_ts';
  const shift = file?.base ?? 0;
  if (filter.afterSeq !== undefined) {
    clauses.push('seq > ?');
    params.push(filter.afterSeq);
  }
  if (filter.from !== undefined) {
    clauses.push(`${time} >= ?`);
    params.push(filter.from - shift);
  }
  if (filter.to !== undefined) {
    clauses.push(`${time} < ?`);
    params.push(filter.to - shift);
  }
  if (filter.markets) {
    const wanted = kind === 'gap' ? [...filter.markets, ''] : filter.markets;
    const values = file ? file.idsOf(wanted) : wanted;
    clauses.push(`+${file ? 'm' : 'market'} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function tableSource(db: Db, t: EventTable, filter: ReplayFilter, file: CompactFile | null): RowSource<RecordedEvent> {
  const w = where(t.kind, filter, file);
  if (!file) {
    const sql = `SELECT ${columnNames(t).join(', ')} FROM ${t.table}${w.sql} ORDER BY seq`;
    return { open: () => db.iterateRaw(sql, w.params)[Symbol.iterator](), toEvent: t.toEvent };
  }
  const c = COMPACT_TABLE_OF[t.kind];
  const contexts = file.contexts;
  const toEvent = (row: readonly unknown[]) =>
    c.toEvent(row as readonly SqlValue[], contexts.get(row[1] as number) as RowContext);
  if (file.delta) {
    const sql = `SELECT ${compactColumnNames(c).join(', ')} FROM ${c.table} ORDER BY seq`;
    const filtered =
      filter.from !== undefined || filter.to !== undefined || filter.markets || filter.afterSeq !== undefined;
    const open = () => db.iterateRaw(sql)[Symbol.iterator]();
    return {
      open: filtered ? () => undeltaRows(db.iterateRaw(sql), t.kind, filter, file) : () => runningTimes(open()),
      toEvent,
    };
  }
  const sql = `SELECT ${compactColumnNames(c).join(', ')} FROM ${c.table}${w.sql} ORDER BY seq`;
  return {
    open: () => db.iterateRaw(sql, w.params)[Symbol.iterator](),
    toEvent: (row) => c.toEvent(row as readonly SqlValue[], contexts.get(row[1] as number) as RowContext),
  };
}

/** The rows of a delta-coded table with their running time restored in the last column: a plain iterator, no generator per row. */
function runningTimes(rows: Iterator<SqlValue[]>): Iterator<SqlValue[]> {
  let t = 0;
  return {
    next() {
      const r = rows.next();
      if (!r.done) {
        const row = r.value;
        t += row[row.length - 1] as number;
        row[row.length - 1] = t;
      }
      return r;
    },
    return(value?: unknown) {
      rows.return?.(value);
      return { done: true, value: undefined };
    },
  };
}

/**
 * The rows of a delta-coded table with their running time restored (the last column), filtered
 * here: a filter in SQL would skip rows whose deltas the sum needs.
 */
function* undeltaRows(
  rows: Iterable<SqlValue[]>,
  kind: EventKind,
  filter: ReplayFilter,
  file: CompactFile,
): Generator<SqlValue[]> {
  const ids = filter.markets ? new Set(file.idsOf(kind === 'gap' ? [...filter.markets, ''] : filter.markets)) : null;
  const from = filter.from === undefined ? -Infinity : filter.from - file.base;
  const to = filter.to === undefined ? Infinity : filter.to - file.base;
  let t = 0;
  for (const row of rows) {
    const last = row.length - 1;
    t += row[last] as number;
    row[last] = t;
    if (t < from || t >= to || (ids && !ids.has(row[1] as number))) continue;
    if (filter.afterSeq !== undefined && (row[0] as number) <= filter.afterSeq) continue;
    yield row;
  }
}

/** Recorded events matching `filter`, in `seq` order. Lazy: rows are read as they are consumed. */
export function readEvents(db: Db, filter: ReplayFilter = {}): Iterable<RecordedEvent> {
  checkFilter(filter);
  const file = isCompactDb(db) ? compactFile(db) : null;
  return { [Symbol.iterator]: () => mergeBySeq(tablesFor(filter).map((t) => tableSource(db, t, filter, file))) };
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
  const file = isCompactDb(db) ? compactFile(db) : null;
  const time = file ? 't' : 'local_ts';
  const shift = file?.base ?? 0;
  for (const t of tablesFor(filter)) {
    const w = where(t.kind, filter, file);
    const physical = file ? COMPACT_TABLE_OF[t.kind].table : t.table;
    // Times of a delta-coded segment exist only as running sums: filter over those.
    const table = file?.delta ? `(SELECT seq, m, sum(t) OVER (ORDER BY seq) AS t FROM ${physical})` : physical;
    const [r] = db.all<{ n: number; lo: number | null; hi: number | null }>(
      `SELECT count(*) AS n, min(${time}) AS lo, max(${time}) AS hi FROM ${table}${w.sql}`,
      w.params,
    );
    out.count += Number(r.n);
    if (r.lo !== null) out.first_ts = out.first_ts === null ? r.lo + shift : Math.min(out.first_ts, r.lo + shift);
    if (r.hi !== null) out.last_ts = out.last_ts === null ? r.hi + shift : Math.max(out.last_ts, r.hi + shift);
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
