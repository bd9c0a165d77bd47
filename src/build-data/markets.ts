/**
 * The market table at build time: the newest metrics row per exchange and market. A recording
 * without the metrics table still lists its markets with the latest raw values (price, funding,
 * open interest, long/short) so a fresh sample shows something true rather than nothing.
 */
import type { Db } from '../../core/db.ts';
import { emptyMarketRow, marketRowFromMetrics } from '../lib/metric-row.ts';
import type { MarketRow } from '../lib/snapshot-types.ts';
import { num } from '../lib/values.ts';
import { hasTable } from './schema-probe.ts';

type Key = string;
const key = (exchange: string, market: string): Key => `${exchange}|${market}`;

function fromMetrics(db: Db): MarketRow[] {
  const rows = db.all<Record<string, unknown>>(
    // `id`, not rowid: in a v2 file `metrics` is a view, which has no rowid.
    'SELECT * FROM metrics WHERE id IN (SELECT max(id) FROM metrics GROUP BY exchange, market) ORDER BY market, exchange',
  );
  return rows.map(marketRowFromMetrics).filter((r): r is MarketRow => r !== null);
}

/** Newest row per exchange+market of one event table (seq is receipt order). */
function latest<T extends object>(db: Db, table: string, columns: string, where = ''): T[] {
  if (!hasTable(db, table)) return [];
  return db.all<T>(
    `SELECT exchange, market, symbol, local_ts, ${columns} FROM ${table} WHERE seq IN (SELECT max(seq) FROM ${table} ${where} GROUP BY exchange, market)`,
  );
}

interface RawBase {
  exchange: string;
  market: string;
  symbol: string;
  local_ts: number;
}

function fromRawEvents(db: Db): MarketRow[] {
  const rows = new Map<Key, MarketRow>();
  const row = (b: RawBase): MarketRow => {
    const k = key(b.exchange, b.market);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = emptyMarketRow(b)));
    r.local_ts = Math.max(r.local_ts, b.local_ts);
    return r;
  };
  for (const b of latest<RawBase & { bid_price: string; ask_price: string }>(
    db,
    'book_tickers',
    'bid_price, ask_price',
  )) {
    const bid = num(b.bid_price);
    const ask = num(b.ask_price);
    if (bid !== null && ask !== null) row(b).price = (bid + ask) / 2;
  }
  // A trade is a better "price" than a mid when both exist.
  for (const t of latest<RawBase & { price: string }>(db, 'trades', 'price')) row(t).price = num(t.price);
  for (const d of latest<
    RawBase & { funding_rate: string | null; mark_price: string | null; index_price: string | null }
  >(db, 'derivative_tickers', 'funding_rate, mark_price, index_price')) {
    const r = row(d);
    r.funding_rate = num(d.funding_rate);
    const mark = num(d.mark_price);
    const index = num(d.index_price);
    if (mark !== null && index) r.basis_bps = ((mark - index) / index) * 10_000;
    r.price ??= mark;
  }
  for (const o of latest<RawBase & { open_interest: string; value: string | null }>(
    db,
    'open_interest',
    'open_interest, value',
  )) {
    const r = row(o);
    const oi = num(o.open_interest);
    r.oi_usd = num(o.value) ?? (oi !== null && r.price !== null ? oi * r.price : null);
  }
  for (const l of latest<RawBase & { ratio: string }>(
    db,
    'long_short',
    'ratio',
    "WHERE ratio_type = 'global_accounts'",
  ))
    row(l).ls_global = num(l.ratio);
  return [...rows.values()].sort((a, b) => a.market.localeCompare(b.market) || a.exchange.localeCompare(b.exchange));
}

export function readMarkets(db: Db, hasMetrics: boolean): MarketRow[] {
  const metricRows = hasMetrics ? fromMetrics(db) : [];
  return metricRows.length ? metricRows : fromRawEvents(db);
}
