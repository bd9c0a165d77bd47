/**
 * One prepared INSERT per event kind. The column order here is the table order of
 * core/migrations/001_market_data.sql; docs/schema.md documents every column.
 */
import type Database from 'better-sqlite3';
import type { EventKind, MarketEvent } from '../../core/events.ts';

const COMMON = 'seq, exchange, symbol, market, ts, local_ts';

const SQL: Record<EventKind, string> = {
  trade: `INSERT INTO trades (${COMMON}, trade_id, price, qty, side) VALUES (?,?,?,?,?,?,?,?,?,?)`,
  book_ticker: `INSERT INTO book_tickers (${COMMON}, bid_price, bid_qty, ask_price, ask_qty) VALUES (?,?,?,?,?,?,?,?,?,?)`,
  book_top: `INSERT INTO book_tops (${COMMON}, bids, asks) VALUES (?,?,?,?,?,?,?,?)`,
  derivative_ticker: `INSERT INTO derivative_tickers (${COMMON}, mark_price, index_price, last_price, funding_rate, predicted_rate, next_funding_ts, open_interest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  liquidation: `INSERT INTO liquidations (${COMMON}, liquidation_id, price, qty, side) VALUES (?,?,?,?,?,?,?,?,?,?)`,
  open_interest: `INSERT INTO open_interest (${COMMON}, open_interest, value) VALUES (?,?,?,?,?,?,?,?)`,
  long_short: `INSERT INTO long_short (${COMMON}, ratio_type, period, ratio, long, short) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
  gap: `INSERT INTO gaps (${COMMON}, stream, start_ts, end_ts, seq_before, seq_after, cause) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
};

export type Inserter = (seq: number, e: MarketEvent) => void;

export function prepareInserter(db: Database.Database): Inserter {
  const s = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<EventKind, Database.Statement>;
  return (seq, e) => {
    switch (e.kind) {
      case 'trade':
        s.trade.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.id, e.price, e.qty, e.side);
        break;
      case 'book_ticker':
        s.book_ticker.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.bid_price, e.bid_qty, e.ask_price, e.ask_qty);
        break;
      case 'book_top':
        s.book_top.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, JSON.stringify(e.bids), JSON.stringify(e.asks));
        break;
      case 'derivative_ticker':
        s.derivative_ticker.run(
          seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts,
          e.mark_price, e.index_price, e.last_price, e.funding_rate, e.predicted_rate, e.next_funding_ts, e.open_interest,
        );
        break;
      case 'liquidation':
        s.liquidation.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.id, e.price, e.qty, e.side);
        break;
      case 'open_interest':
        s.open_interest.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.open_interest, e.value);
        break;
      case 'long_short':
        s.long_short.run(seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts, e.ratio_type, e.period, e.ratio, e.long, e.short);
        break;
      case 'gap':
        s.gap.run(
          seq, e.exchange, e.symbol, e.market, e.ts, e.local_ts,
          e.stream, e.start_ts, e.end_ts, e.seq_before, e.seq_after, e.cause,
        );
        break;
    }
  };
}

/** The highest seq recorded so far (0 for a new database). */
export function maxSeq(db: Database.Database): number {
  const tables = ['trades', 'book_tickers', 'book_tops', 'derivative_tickers', 'liquidations', 'open_interest', 'long_short', 'gaps'];
  const sql = `SELECT max(m) AS m FROM (${tables.map((t) => `SELECT max(seq) AS m FROM ${t}`).join(' UNION ALL ')})`;
  return Number((db.prepare(sql).get() as { m: number | null }).m ?? 0);
}
