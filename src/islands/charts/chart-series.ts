/** What a chart draws: named series of [epoch ms, value] points, drawn as lines or bars. */
import type { SeriesPoint } from '../../lib/snapshot-types.ts';
import type { PricePoint } from '../sqlite/protocol.ts';

export interface ChartSeries {
  name: string;
  points: SeriesPoint[];
  kind: 'line' | 'histogram';
  color: string;
}

/** One colour per exchange, the same on every chart. */
const EXCHANGE_COLORS: Record<string, string> = {
  'binance-usdm': '#eab308',
  'bybit-linear': '#f97316',
  'okx-swap': '#3b82f6',
};
const FALLBACK = ['#10b981', '#8b5cf6', '#ef4444', '#06b6d4'];

export function exchangeColor(exchange: string, i: number): string {
  return EXCHANGE_COLORS[exchange] ?? FALLBACK[i % FALLBACK.length];
}

/** A market's price lines: one per exchange, in the order the exchanges first appear in `points`. */
export function priceSeries(points: readonly PricePoint[], market: string): ChartSeries[] {
  const byExchange = new Map<string, SeriesPoint[]>();
  for (const p of points) {
    if (p.market !== market) continue;
    const list = byExchange.get(p.exchange) ?? [];
    list.push([p.t, p.v]);
    byExchange.set(p.exchange, list);
  }
  return [...byExchange].map(([name, pts], i) => ({ name, points: pts, kind: 'line', color: exchangeColor(name, i) }));
}
