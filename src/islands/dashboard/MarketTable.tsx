/**
 * The market table: timeframe tabs, sortable columns, text and exchange filters. A row a live
 * alert has just hit is lit in its tier's colour (row-highlights.ts), with the same said in text
 * for screen readers.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Table from '@tremor/react/dist/components/list-elements/Table/Table.js';
import TableBody from '@tremor/react/dist/components/list-elements/Table/TableBody.js';
import TableCell from '@tremor/react/dist/components/list-elements/Table/TableCell.js';
import TableHead from '@tremor/react/dist/components/list-elements/Table/TableHead.js';
import TableHeaderCell from '@tremor/react/dist/components/list-elements/Table/TableHeaderCell.js';
import TableRow from '@tremor/react/dist/components/list-elements/Table/TableRow.js';
import { marketSlug } from '../../lib/market-slug.ts';
import { TIMEFRAMES, type MarketRow } from '../../lib/snapshot-types.ts';
import { tierRowClass } from '../alerts/tier-colors.ts';
import { rowKey } from '../live/apply-items.ts';
import { NO_HIGHLIGHTS, type RowHighlights } from './row-highlights.ts';
import { COLUMNS, viewRows, type TableView } from './table-model.ts';

interface Props {
  rows: readonly MarketRow[];
  view: TableView;
  onView(view: TableView): void;
  marketHref: string;
  /** Rows lit by a live alert, by rowKey. */
  highlights?: RowHighlights;
}

const tone = (v: number | string | null) =>
  typeof v !== 'number' || v === 0
    ? ''
    : v > 0
      ? 'text-emerald-600 dark:text-emerald-400'
      : 'text-red-600 dark:text-red-400';
const SIGNED = new Set(['chg', 'oi_chg', 'funding', 'basis', 'cvd', 'z', 'composite', 'imbalance']);

export function MarketTable({ rows, view, onView, marketHref, highlights = NO_HIGHLIGHTS }: Props) {
  const exchanges = [...new Set(rows.map((r) => r.exchange))].sort();
  const shown = viewRows(rows, view);
  const sortBy = (id: string) =>
    onView({ ...view, sort: id, dir: view.sort === id && view.dir === 'desc' ? 'asc' : 'desc' });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        {/* Plain buttons styled like Tremor's solid tabs: Tremor's Tabs (Headless UI) render an inline style attribute the CSP refuses. */}
        <div
          role="tablist"
          aria-label="Timeframe"
          className="inline-flex rounded-tremor-default bg-tremor-background-subtle p-0.5 dark:bg-dark-tremor-background-subtle"
        >
          {TIMEFRAMES.map((tf) => (
            <button
              key={tf}
              type="button"
              role="tab"
              aria-selected={view.tf === tf}
              data-testid={`tf-${tf}`}
              onClick={() => onView({ ...view, tf })}
              className={`rounded-tremor-small px-3 py-1 text-sm ${view.tf === tf ? 'bg-tremor-background text-tremor-brand-emphasis shadow-tremor-input dark:bg-dark-tremor-background dark:text-dark-tremor-brand-emphasis' : 'text-gray-600 dark:text-dark-tremor-content'}`}
            >
              {tf}
            </button>
          ))}
        </div>
        <input
          type="search"
          aria-label="Filter markets"
          placeholder="Filter markets…"
          value={view.query}
          onChange={(e) => onView({ ...view, query: e.target.value })}
          className="rounded-tremor-default border border-tremor-border bg-tremor-background px-3 py-1.5 text-sm dark:border-dark-tremor-border dark:bg-dark-tremor-background"
        />
        <select
          aria-label="Exchange"
          value={view.exchange}
          onChange={(e) => onView({ ...view, exchange: e.target.value })}
          className="rounded-tremor-default border border-tremor-border bg-tremor-background px-2 py-1.5 text-sm dark:border-dark-tremor-border dark:bg-dark-tremor-background"
        >
          <option value="">All exchanges</option>
          {exchanges.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <span className="text-xs text-tremor-content dark:text-dark-tremor-content">
          {shown.length} of {rows.length} rows
        </span>
      </div>
      <Table data-testid="market-table">
        <TableHead>
          <TableRow>
            {COLUMNS.map((c) => (
              <TableHeaderCell
                key={c.id}
                className={c.numeric ? 'text-right' : ''}
                aria-sort={view.sort === c.id ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                <button type="button" title={c.title} onClick={() => sortBy(c.id)} data-testid={`sort-${c.id}`}>
                  {c.label}
                  {view.sort === c.id ? (view.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((r) => {
            const lit = highlights.get(rowKey(r));
            return (
              <TableRow
                key={rowKey(r)}
                data-market={r.market}
                data-exchange={r.exchange}
                data-alert-highlight={lit?.tier}
                className={lit ? tierRowClass(lit.tier) : undefined}
              >
                {COLUMNS.map((c) => {
                  const v = c.value(r, view.tf);
                  return (
                    <TableCell
                      key={c.id}
                      data-col={c.id}
                      className={`px-2 py-1.5 ${c.numeric ? 'text-right tabular-nums' : ''} ${SIGNED.has(c.id) ? tone(v) : ''}`}
                    >
                      {c.id === 'market' ? (
                        <a
                          className="text-tremor-brand hover:underline dark:text-dark-tremor-brand"
                          href={`${marketHref}${marketSlug(r.market)}/`}
                        >
                          {r.market}
                        </a>
                      ) : c.id === 'exchange' && lit ? (
                        <>
                          {c.format(v)}
                          <span className="sr-only">, new tier {lit.tier} alert</span>
                        </>
                      ) : (
                        c.format(v)
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {rows.length === 0 && (
        <p className="text-sm text-tremor-content dark:text-dark-tremor-content">No markets recorded yet.</p>
      )}
    </div>
  );
}
