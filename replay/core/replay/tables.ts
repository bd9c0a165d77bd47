/**
 * Where each event kind is stored (replay/core/migrations/001_market_data.sql) and how one row
 * becomes the exact event object the live collector produced. Every event is built with the
 * same key order (kind, seq, common fields, kind fields) so that two adapters reading the same
 * file print byte-identical JSON.
 */
import type { Dec, EventKind, GapCause, LongShortType, RecordedEvent, Side } from '../events.ts';
import type { ExchangeId } from '../events.ts';

interface CommonRow {
  seq: number;
  exchange: ExchangeId;
  symbol: string;
  market: string;
  ts: number;
  local_ts: number;
}

export interface EventTable {
  kind: EventKind;
  table: string;
  /** Columns after the common ones, in table order. */
  columns: readonly string[];
  toEvent(row: CommonRow & Record<string, unknown>): RecordedEvent;
}

const table = <R>(
  kind: EventKind,
  name: string,
  columns: readonly string[],
  toEvent: (r: CommonRow & R) => RecordedEvent,
): EventTable => ({ kind, table: name, columns, toEvent: toEvent as EventTable['toEvent'] });

export const EVENT_TABLES: readonly EventTable[] = [
  table<{ trade_id: string | null; price: Dec; qty: Dec; side: Side }>(
    'trade',
    'trades',
    ['trade_id', 'price', 'qty', 'side'],
    (r) => ({
      kind: 'trade', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      id: r.trade_id, price: r.price, qty: r.qty, side: r.side,
    }),
  ),
  table<{ bid_price: Dec; bid_qty: Dec; ask_price: Dec; ask_qty: Dec }>(
    'book_ticker',
    'book_tickers',
    ['bid_price', 'bid_qty', 'ask_price', 'ask_qty'],
    (r) => ({
      kind: 'book_ticker', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      bid_price: r.bid_price, bid_qty: r.bid_qty, ask_price: r.ask_price, ask_qty: r.ask_qty,
    }),
  ),
  table<{ bids: string; asks: string }>('book_top', 'book_tops', ['bids', 'asks'], (r) => ({
    kind: 'book_top', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
    // Stored as JSON text of [price, qty] string pairs; parsing keeps the decimal strings as they are.
    bids: JSON.parse(r.bids) as [Dec, Dec][],
    asks: JSON.parse(r.asks) as [Dec, Dec][],
  })),
  table<{
    mark_price: Dec | null;
    index_price: Dec | null;
    last_price: Dec | null;
    funding_rate: Dec | null;
    predicted_rate: Dec | null;
    next_funding_ts: number | null;
    open_interest: Dec | null;
  }>(
    'derivative_ticker',
    'derivative_tickers',
    ['mark_price', 'index_price', 'last_price', 'funding_rate', 'predicted_rate', 'next_funding_ts', 'open_interest'],
    (r) => ({
      kind: 'derivative_ticker', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      mark_price: r.mark_price, index_price: r.index_price, last_price: r.last_price,
      funding_rate: r.funding_rate, predicted_rate: r.predicted_rate, next_funding_ts: r.next_funding_ts,
      open_interest: r.open_interest,
    }),
  ),
  table<{ liquidation_id: string | null; price: Dec; qty: Dec; side: Side }>(
    'liquidation',
    'liquidations',
    ['liquidation_id', 'price', 'qty', 'side'],
    (r) => ({
      kind: 'liquidation', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      id: r.liquidation_id, price: r.price, qty: r.qty, side: r.side,
    }),
  ),
  table<{ open_interest: Dec; value: Dec | null }>('open_interest', 'open_interest', ['open_interest', 'value'], (r) => ({
    kind: 'open_interest', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
    open_interest: r.open_interest, value: r.value,
  })),
  table<{ ratio_type: LongShortType; period: string; ratio: Dec; long: Dec | null; short: Dec | null }>(
    'long_short',
    'long_short',
    ['ratio_type', 'period', 'ratio', 'long', 'short'],
    (r) => ({
      kind: 'long_short', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      ratio_type: r.ratio_type, period: r.period, ratio: r.ratio, long: r.long, short: r.short,
    }),
  ),
  table<{ stream: string; start_ts: number; end_ts: number; seq_before: string | null; seq_after: string | null; cause: GapCause }>(
    'gap',
    'gaps',
    ['stream', 'start_ts', 'end_ts', 'seq_before', 'seq_after', 'cause'],
    (r) => ({
      kind: 'gap', seq: r.seq, exchange: r.exchange, symbol: r.symbol, market: r.market, ts: r.ts, local_ts: r.local_ts,
      stream: r.stream, start_ts: r.start_ts, end_ts: r.end_ts, seq_before: r.seq_before, seq_after: r.seq_after, cause: r.cause,
    }),
  ),
];

export const COMMON_COLUMNS = ['seq', 'exchange', 'symbol', 'market', 'ts', 'local_ts'] as const;
