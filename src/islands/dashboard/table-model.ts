/**
 * The market table's columns, sorting and filtering (pure; the component only renders). A
 * column's value may depend on the selected timeframe: Δ%, OI Δ%, CVD and z come from the
 * row's figures over that window.
 */
import { fmtFunding, fmtNumber, fmtPct, fmtPrice, fmtUsd } from '../../lib/format.ts';
import type { MarketRow, TimeframeName } from '../../lib/snapshot-types.ts';

export interface Column {
  id: string;
  label: string;
  title: string;
  numeric: boolean;
  value(row: MarketRow, tf: TimeframeName): number | string | null;
  format(v: number | string | null): string;
}

const text = (v: number | string | null) => (v === null ? '—' : String(v));
const numeric = (f: (v: number | null) => string) => (v: number | string | null) => f(typeof v === 'number' ? v : null);

export const COLUMNS: readonly Column[] = [
  { id: 'market', label: 'Market', title: 'Unified market', numeric: false, value: (r) => r.market, format: text },
  { id: 'exchange', label: 'Exchange', title: 'Exchange', numeric: false, value: (r) => r.exchange, format: text },
  { id: 'price', label: 'Price', title: 'Last price', numeric: true, value: (r) => r.price, format: numeric(fmtPrice) },
  {
    id: 'chg',
    label: 'Δ%',
    title: 'Price change over the timeframe',
    numeric: true,
    value: (r, tf) => r.timeframes[tf]?.price_chg_pct ?? null,
    format: numeric((v) => fmtPct(v)),
  },
  {
    id: 'oi_usd',
    label: 'OI USD',
    title: 'Open interest in USD',
    numeric: true,
    value: (r) => r.oi_usd,
    format: numeric(fmtUsd),
  },
  {
    id: 'oi_chg',
    label: 'OI Δ%',
    title: 'Open interest change over the timeframe',
    numeric: true,
    value: (r, tf) => r.timeframes[tf]?.oi_chg_pct ?? null,
    format: numeric((v) => fmtPct(v)),
  },
  {
    id: 'funding',
    label: 'Funding',
    title: 'Funding rate per interval',
    numeric: true,
    value: (r) => r.funding_rate,
    format: numeric(fmtFunding),
  },
  {
    id: 'basis',
    label: 'Basis',
    title: 'Mark over index, basis points',
    numeric: true,
    value: (r) => r.basis_bps,
    format: numeric((v) => fmtNumber(v, 1)),
  },
  {
    id: 'ls',
    label: 'L/S',
    title: 'Global long/short account ratio',
    numeric: true,
    value: (r) => r.ls_global,
    format: numeric((v) => fmtNumber(v, 2)),
  },
  {
    id: 'imbalance',
    label: 'Imbalance',
    title: 'Order-book imbalance, %',
    numeric: true,
    value: (r) => r.imbalance,
    format: numeric((v) => fmtPct(v, 1)),
  },
  {
    id: 'cvd',
    label: 'CVD',
    title: 'Cumulative volume delta over the timeframe (quote)',
    numeric: true,
    value: (r, tf) => r.timeframes[tf]?.cvd ?? null,
    format: numeric(fmtUsd),
  },
  {
    id: 'z',
    label: 'z',
    title: 'Strongest z-score over the timeframe',
    numeric: true,
    value: (r, tf) => r.timeframes[tf]?.z ?? r.z_max,
    format: numeric((v) => fmtNumber(v, 2)),
  },
  {
    id: 'composite',
    label: 'Score',
    title: 'Composite score',
    numeric: true,
    value: (r) => r.composite,
    format: numeric((v) => fmtNumber(v, 2)),
  },
  { id: 'regime', label: 'Regime', title: 'Market regime', numeric: false, value: (r) => r.regime, format: text },
];

export const COLUMN_IDS = COLUMNS.map((c) => c.id);

export interface TableView {
  tf: TimeframeName;
  sort: string;
  dir: 'asc' | 'desc';
  query: string;
  exchange: string;
}

export function viewRows(rows: readonly MarketRow[], view: TableView): MarketRow[] {
  const q = view.query.trim().toLowerCase();
  const col = COLUMNS.find((c) => c.id === view.sort) ?? COLUMNS[0];
  const sign = view.dir === 'asc' ? 1 : -1;
  return rows
    .filter(
      (r) =>
        (!q || r.market.toLowerCase().includes(q) || r.symbol.toLowerCase().includes(q)) &&
        (!view.exchange || r.exchange === view.exchange),
    )
    .sort((a, b) => {
      const va = col.value(a, view.tf);
      const vb = col.value(b, view.tf);
      // Missing values sort last whichever the direction.
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return cmp * sign || a.market.localeCompare(b.market) || a.exchange.localeCompare(b.exchange);
    });
}
