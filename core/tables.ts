/**
 * The event tables, each declared once: where an event kind is stored
 * (core/migrations/001_market_data.sql), its columns with their SQL types, how an event becomes
 * the values of one row (the collector's INSERT) and how a row becomes the exact event object
 * the live collector produced (replay). core/tables.test.ts holds this registry to the migrated
 * schema and to docs/schema.md.
 *
 * Rows are read as arrays in SELECT order (Db.iterateRaw: no object per row on the hottest loop
 * of replay) and written as positional values (no array per row on the collector's write path),
 * the common columns first, then the table's own. Every event is built with the same key order
 * (kind, seq, common fields, kind fields) so that two adapters reading the same file print
 * byte-identical JSON.
 */
import type { SqlValue } from './db.ts';
import type {
  Dec,
  EventKind,
  ExchangeId,
  GapCause,
  LongShortType,
  MarketEvent,
  RecordedEvent,
  Side,
} from './events.ts';

export interface Column {
  name: string;
  type: 'TEXT' | 'INTEGER';
}

const text = (name: string): Column => ({ name, type: 'TEXT' });
const integer = (name: string): Column => ({ name, type: 'INTEGER' });

/** The columns every event table starts with; `seq` is its INTEGER PRIMARY KEY. */
export const COMMON_COLUMNS: readonly Column[] = [
  integer('seq'),
  text('exchange'),
  text('symbol'),
  text('market'),
  integer('ts'),
  integer('local_ts'),
];

/** A row: the common columns, in COMMON_COLUMNS order, then the table's columns. */
type RowOf<Own extends unknown[]> = [
  seq: number,
  exchange: ExchangeId,
  symbol: string,
  market: string,
  ts: number,
  local_ts: number,
  ...own: Own,
];

/**
 * Takes one row's values positionally, in table order: a prepared statement's bound `run` on the
 * write path (binding an array instead measured about 15 % slower), `Array.of` for an array.
 */
export type RowSink<R> = (...values: SqlValue[]) => R;

type EventOf<K extends EventKind> = Extract<MarketEvent, { kind: K }>;

export interface EventTable {
  kind: EventKind;
  table: string;
  /** Columns after the common ones, in table order. */
  columns: readonly Column[];
  /** Hands the row of `e` (an event of this table's kind) to `to`, and returns what `to` returns. */
  encode<R>(seq: number, e: MarketEvent, to: RowSink<R>): R;
  toEvent(row: readonly unknown[]): RecordedEvent;
}

const table = <K extends EventKind, Own extends unknown[]>(
  kind: K,
  name: string,
  columns: readonly Column[],
  encode: <R>(seq: number, e: EventOf<K>, to: RowSink<R>) => R,
  toEvent: (r: RowOf<Own>) => RecordedEvent,
): EventTable => ({
  kind,
  table: name,
  columns,
  encode: encode as EventTable['encode'],
  toEvent: toEvent as EventTable['toEvent'],
});

/** Trades and liquidations are rows of one shape: the exchange's id (when it gives one), price, qty and side. */
const fills = (kind: 'trade' | 'liquidation', name: string, idColumn: string): EventTable =>
  table<typeof kind, [id: string | null, price: Dec, qty: Dec, side: Side]>(
    kind,
    name,
    [text(idColumn), text('price'), text('qty'), text('side')],
    (seq, e, to) => to(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.id, e.price, e.qty, e.side),
    (r) => ({
      kind,
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      id: r[6],
      price: r[7],
      qty: r[8],
      side: r[9],
    }),
  );

export const EVENT_TABLES: readonly EventTable[] = [
  fills('trade', 'trades', 'trade_id'),
  table<'book_ticker', [bid_price: Dec, bid_qty: Dec, ask_price: Dec, ask_qty: Dec]>(
    'book_ticker',
    'book_tickers',
    [text('bid_price'), text('bid_qty'), text('ask_price'), text('ask_qty')],
    (seq, e, to) =>
      to(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.bid_price, e.bid_qty, e.ask_price, e.ask_qty),
    (r) => ({
      kind: 'book_ticker',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      bid_price: r[6],
      bid_qty: r[7],
      ask_price: r[8],
      ask_qty: r[9],
    }),
  ),
  table<'book_top', [bids: string, asks: string]>(
    'book_top',
    'book_tops',
    [text('bids'), text('asks')],
    (seq, e, to) =>
      to(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, JSON.stringify(e.bids), JSON.stringify(e.asks)),
    (r) => ({
      kind: 'book_top',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      // Stored as JSON text of [price, qty] string pairs; parsing keeps the decimal strings as they are.
      bids: JSON.parse(r[6]) as [Dec, Dec][],
      asks: JSON.parse(r[7]) as [Dec, Dec][],
    }),
  ),
  table<
    'derivative_ticker',
    [
      mark_price: Dec | null,
      index_price: Dec | null,
      last_price: Dec | null,
      funding_rate: Dec | null,
      predicted_rate: Dec | null,
      next_funding_ts: number | null,
      open_interest: Dec | null,
    ]
  >(
    'derivative_ticker',
    'derivative_tickers',
    [
      text('mark_price'),
      text('index_price'),
      text('last_price'),
      text('funding_rate'),
      text('predicted_rate'),
      integer('next_funding_ts'),
      text('open_interest'),
    ],
    (seq, e, to) =>
      to(
        seq,
        e.exchange,
        e.symbol,
        e.market,
        e.ts,
        e.local_ts,
        e.mark_price,
        e.index_price,
        e.last_price,
        e.funding_rate,
        e.predicted_rate,
        e.next_funding_ts,
        e.open_interest,
      ),
    (r) => ({
      kind: 'derivative_ticker',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      mark_price: r[6],
      index_price: r[7],
      last_price: r[8],
      funding_rate: r[9],
      predicted_rate: r[10],
      next_funding_ts: r[11],
      open_interest: r[12],
    }),
  ),
  fills('liquidation', 'liquidations', 'liquidation_id'),
  table<'open_interest', [open_interest: Dec, value: Dec | null]>(
    'open_interest',
    'open_interest',
    [text('open_interest'), text('value')],
    (seq, e, to) => to(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.open_interest, e.value),
    (r) => ({
      kind: 'open_interest',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      open_interest: r[6],
      value: r[7],
    }),
  ),
  table<'long_short', [ratio_type: LongShortType, period: string, ratio: Dec, long: Dec | null, short: Dec | null]>(
    'long_short',
    'long_short',
    [text('ratio_type'), text('period'), text('ratio'), text('long'), text('short')],
    (seq, e, to) =>
      to(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.ratio_type, e.period, e.ratio, e.long, e.short),
    (r) => ({
      kind: 'long_short',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      ratio_type: r[6],
      period: r[7],
      ratio: r[8],
      long: r[9],
      short: r[10],
    }),
  ),
  table<
    'gap',
    [
      stream: string,
      start_ts: number,
      end_ts: number,
      seq_before: string | null,
      seq_after: string | null,
      cause: GapCause,
    ]
  >(
    'gap',
    'gaps',
    [text('stream'), integer('start_ts'), integer('end_ts'), text('seq_before'), text('seq_after'), text('cause')],
    (seq, e, to) =>
      to(
        seq,
        e.exchange,
        e.symbol,
        e.market,
        e.ts,
        e.local_ts,
        e.stream,
        e.start_ts,
        e.end_ts,
        e.seq_before,
        e.seq_after,
        e.cause,
      ),
    (r) => ({
      kind: 'gap',
      seq: r[0],
      exchange: r[1],
      symbol: r[2],
      market: r[3],
      ts: r[4],
      local_ts: r[5],
      stream: r[6],
      start_ts: r[7],
      end_ts: r[8],
      seq_before: r[9],
      seq_after: r[10],
      cause: r[11],
    }),
  ),
];

/** The table of each event kind. */
export const EVENT_TABLE_OF = Object.fromEntries(EVENT_TABLES.map((t) => [t.kind, t])) as Record<EventKind, EventTable>;

/** Every column name of `t`, common ones first, in table order (SELECT and INSERT lists). */
export const columnNames = (t: EventTable): string[] => [...COMMON_COLUMNS, ...t.columns].map((c) => c.name);

/** The INSERT of one row of `t`, its values bound positionally in columnNames order. */
export function insertSql(t: EventTable): string {
  const names = columnNames(t);
  return `INSERT INTO ${t.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
}
