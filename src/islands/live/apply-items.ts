/**
 * Folding relay items into the market table's rows. `metrics` items replace a row's figures;
 * `tickers` items move price, funding and basis between metric buckets, so the table moves
 * with every quote even when the metrics bucket is long. Pure: tested without a browser.
 */
import { alertKey, alertRowsFrom } from '../../lib/alert-row.ts';
import { emptyMarketRow, marketRowFromMetrics } from '../../lib/metric-row.ts';
import type { AlertRow, MarketRow } from '../../lib/snapshot-types.ts';
import { jsonObject, num, str } from '../../lib/values.ts';
import type { ChannelItems } from '../../../core/relay-protocol.ts';

export const rowKey = (r: { exchange: string; market: string }): string => `${r.exchange}|${r.market}`;

function applyTicker(rows: Map<string, MarketRow>, item: Record<string, unknown>): void {
  const exchange = str(item.exchange);
  const market = str(item.market);
  const local_ts = num(item.local_ts);
  if (!exchange || !market || local_ts === null) return;
  const k = rowKey({ exchange, market });
  const row = { ...(rows.get(k) ?? emptyMarketRow({ exchange, market, symbol: str(item.symbol) ?? '', local_ts })) };
  if (local_ts < row.local_ts) return;
  row.local_ts = local_ts;
  if (item.kind === 'book_ticker') {
    const bid = num(item.bid_price);
    const ask = num(item.ask_price);
    if (bid !== null && ask !== null) row.price = (bid + ask) / 2;
  } else if (item.kind === 'derivative_ticker') {
    row.funding_rate = num(item.funding_rate) ?? row.funding_rate;
    const mark = num(item.mark_price);
    const index = num(item.index_price);
    if (mark !== null && index) row.basis_bps = ((mark - index) / index) * 10_000;
    row.price = num(item.last_price) ?? row.price ?? mark;
  } else {
    return;
  }
  rows.set(k, row);
}

/** New rows map (unchanged rows shared) after applying one batch. */
export function applyMarketItems(
  previous: ReadonlyMap<string, MarketRow>,
  channels: ChannelItems,
): Map<string, MarketRow> {
  const rows = new Map(previous);
  for (const raw of channels.metrics ?? []) {
    const row = marketRowFromMetrics(jsonObject(raw));
    if (!row) continue;
    const old = rows.get(rowKey(row));
    // A ticker newer than the bucket keeps its fresher price.
    rows.set(
      rowKey(row),
      old && old.local_ts > row.local_ts ? { ...row, price: old.price ?? row.price, local_ts: old.local_ts } : row,
    );
  }
  for (const raw of channels.tickers ?? []) applyTicker(rows, jsonObject(raw));
  return rows;
}

/** Newest first, at most `limit`, without repeating an alert already shown. */
export function mergeAlerts(previous: readonly AlertRow[], items: readonly unknown[], limit: number): AlertRow[] {
  const seen = new Set(previous.map(alertKey));
  const fresh = alertRowsFrom(items).filter((a) => !seen.has(alertKey(a)));
  if (fresh.length === 0) return previous as AlertRow[];
  return [...fresh, ...previous].sort((a, b) => b.local_ts - a.local_ts).slice(0, limit);
}
