/**
 * Where each event kind is stored (core/migrations/001_market_data.sql) and how one row
 * becomes the exact event object the live collector produced. Rows arrive as arrays in SELECT
 * order (Db.iterateRaw: no object per row on the hottest loop of replay), the common columns
 * first, then the table's own. Every event is built with the same key order (kind, seq, common
 * fields, kind fields) so that two adapters reading the same file print byte-identical JSON.
 */
import type { Dec, EventKind, ExchangeId, GapCause, LongShortType, RecordedEvent, Side } from './events.ts';

export const COMMON_COLUMNS = ['seq', 'exchange', 'symbol', 'market', 'ts', 'local_ts'] as const;

/** A row: the common columns, in COMMON_COLUMNS order, then the table's columns. */
type RowOf<Own extends unknown[]> = [seq: number, exchange: ExchangeId, symbol: string, market: string, ts: number, local_ts: number, ...own: Own];

export interface EventTable {
  kind: EventKind;
  table: string;
  /** Columns after the common ones, in table order. */
  columns: readonly string[];
  toEvent(row: readonly unknown[]): RecordedEvent;
}

const table = <Own extends unknown[]>(
  kind: EventKind,
  name: string,
  columns: readonly string[],
  toEvent: (r: RowOf<Own>) => RecordedEvent,
): EventTable => ({ kind, table: name, columns, toEvent: toEvent as EventTable['toEvent'] });

export const EVENT_TABLES: readonly EventTable[] = [
  table<[trade_id: string | null, price: Dec, qty: Dec, side: Side]>('trade', 'trades', ['trade_id', 'price', 'qty', 'side'], (r) => ({
    kind: 'trade', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
    id: r[6], price: r[7], qty: r[8], side: r[9],
  })),
  table<[bid_price: Dec, bid_qty: Dec, ask_price: Dec, ask_qty: Dec]>(
    'book_ticker',
    'book_tickers',
    ['bid_price', 'bid_qty', 'ask_price', 'ask_qty'],
    (r) => ({
      kind: 'book_ticker', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
      bid_price: r[6], bid_qty: r[7], ask_price: r[8], ask_qty: r[9],
    }),
  ),
  table<[bids: string, asks: string]>('book_top', 'book_tops', ['bids', 'asks'], (r) => ({
    kind: 'book_top', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
    // Stored as JSON text of [price, qty] string pairs; parsing keeps the decimal strings as they are.
    bids: JSON.parse(r[6]) as [Dec, Dec][],
    asks: JSON.parse(r[7]) as [Dec, Dec][],
  })),
  table<
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
    ['mark_price', 'index_price', 'last_price', 'funding_rate', 'predicted_rate', 'next_funding_ts', 'open_interest'],
    (r) => ({
      kind: 'derivative_ticker', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
      mark_price: r[6], index_price: r[7], last_price: r[8], funding_rate: r[9], predicted_rate: r[10], next_funding_ts: r[11],
      open_interest: r[12],
    }),
  ),
  table<[liquidation_id: string | null, price: Dec, qty: Dec, side: Side]>(
    'liquidation',
    'liquidations',
    ['liquidation_id', 'price', 'qty', 'side'],
    (r) => ({
      kind: 'liquidation', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
      id: r[6], price: r[7], qty: r[8], side: r[9],
    }),
  ),
  table<[open_interest: Dec, value: Dec | null]>('open_interest', 'open_interest', ['open_interest', 'value'], (r) => ({
    kind: 'open_interest', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
    open_interest: r[6], value: r[7],
  })),
  table<[ratio_type: LongShortType, period: string, ratio: Dec, long: Dec | null, short: Dec | null]>(
    'long_short',
    'long_short',
    ['ratio_type', 'period', 'ratio', 'long', 'short'],
    (r) => ({
      kind: 'long_short', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
      ratio_type: r[6], period: r[7], ratio: r[8], long: r[9], short: r[10],
    }),
  ),
  table<[stream: string, start_ts: number, end_ts: number, seq_before: string | null, seq_after: string | null, cause: GapCause]>(
    'gap',
    'gaps',
    ['stream', 'start_ts', 'end_ts', 'seq_before', 'seq_after', 'cause'],
    (r) => ({
      kind: 'gap', seq: r[0], exchange: r[1], symbol: r[2], market: r[3], ts: r[4], local_ts: r[5],
      stream: r[6], start_ts: r[7], end_ts: r[8], seq_before: r[9], seq_after: r[10], cause: r[11],
    }),
  ),
];
