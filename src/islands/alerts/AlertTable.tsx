/** Alerts as a table: time, market, tier, rule, direction, value vs threshold, forward returns. */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Table from '@tremor/react/dist/components/list-elements/Table/Table.js';
import TableBody from '@tremor/react/dist/components/list-elements/Table/TableBody.js';
import TableCell from '@tremor/react/dist/components/list-elements/Table/TableCell.js';
import TableHead from '@tremor/react/dist/components/list-elements/Table/TableHead.js';
import TableHeaderCell from '@tremor/react/dist/components/list-elements/Table/TableHeaderCell.js';
import TableRow from '@tremor/react/dist/components/list-elements/Table/TableRow.js';
import { Fragment, useState } from 'react';
import { fmtNumber, fmtPct, fmtTime } from '../../lib/format.ts';
import type { AlertRow } from '../../lib/snapshot-types.ts';
import { TierBadge } from './TierBadge.tsx';

interface Props {
  alerts: readonly AlertRow[];
  /** Show forward returns and the expandable inputs (the alerts page); the dashboard shows fewer columns. */
  detailed?: boolean;
}

const tone = (v: number | null) =>
  v === null || v === 0 ? '' : v > 0 ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400';

export function AlertTable({ alerts, detailed = false }: Props) {
  const [open, setOpen] = useState<number | null>(null);
  if (alerts.length === 0)
    return <p className="text-sm text-tremor-content dark:text-dark-tremor-content">No alerts.</p>;
  return (
    <Table data-testid="alert-table">
      <TableHead>
        <TableRow>
          <TableHeaderCell>Time</TableHeaderCell>
          <TableHeaderCell>Market</TableHeaderCell>
          <TableHeaderCell>Tier</TableHeaderCell>
          <TableHeaderCell>Rule</TableHeaderCell>
          <TableHeaderCell>Dir</TableHeaderCell>
          <TableHeaderCell className="text-right">Value / threshold</TableHeaderCell>
          {detailed && <TableHeaderCell className="text-right">5m</TableHeaderCell>}
          {detailed && <TableHeaderCell className="text-right">15m</TableHeaderCell>}
          {detailed && <TableHeaderCell className="text-right">60m</TableHeaderCell>}
          {detailed && <TableHeaderCell>Inputs</TableHeaderCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map((a, i) => (
          <Fragment key={`${a.exchange}|${a.market}|${a.local_ts}|${a.rule}|${a.direction}`}>
            {/* The alert's natural key as data attributes: tests compare the page with Node's alerts by it. */}
            <TableRow
              data-alert-rule={a.rule}
              data-alert-exchange={a.exchange}
              data-alert-market={a.market}
              data-alert-tier={a.tier}
              data-alert-direction={a.direction}
              data-alert-bucket={a.bucket_ts ?? undefined}
            >
              <TableCell className="px-2 py-1.5 tabular-nums">{fmtTime(a.local_ts)}</TableCell>
              <TableCell className="px-2 py-1.5">
                {a.market}{' '}
                <span className="text-xs text-tremor-content dark:text-dark-tremor-content">{a.exchange}</span>
              </TableCell>
              <TableCell className="px-2 py-1.5">
                <TierBadge tier={a.tier} />
              </TableCell>
              <TableCell className="px-2 py-1.5 font-mono text-xs">{a.rule}</TableCell>
              <TableCell
                className={`px-2 py-1.5 ${a.direction === 'up' ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400'}`}
              >
                {a.direction === 'up' ? '▲ up' : '▼ down'}
              </TableCell>
              <TableCell className="px-2 py-1.5 text-right tabular-nums">
                {fmtNumber(a.value, 3)} / {fmtNumber(a.threshold, 3)}
              </TableCell>
              {detailed && (
                <TableCell className={`px-2 py-1.5 text-right tabular-nums ${tone(a.fwd_ret_5m)}`}>
                  {fmtPct(a.fwd_ret_5m)}
                </TableCell>
              )}
              {detailed && (
                <TableCell className={`px-2 py-1.5 text-right tabular-nums ${tone(a.fwd_ret_15m)}`}>
                  {fmtPct(a.fwd_ret_15m)}
                </TableCell>
              )}
              {detailed && (
                <TableCell className={`px-2 py-1.5 text-right tabular-nums ${tone(a.fwd_ret_60m)}`}>
                  {fmtPct(a.fwd_ret_60m)}
                </TableCell>
              )}
              {detailed && (
                <TableCell className="px-2 py-1.5">
                  <button
                    type="button"
                    className="text-xs text-tremor-brand underline dark:text-dark-tremor-brand"
                    aria-expanded={open === i}
                    onClick={() => setOpen(open === i ? null : i)}
                  >
                    {open === i ? 'hide' : 'show'}
                  </button>
                </TableCell>
              )}
            </TableRow>
            {detailed && open === i && (
              <TableRow>
                <TableCell colSpan={10} className="px-2 py-2">
                  <dl className="grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-xs sm:grid-cols-4">
                    {Object.entries(a.inputs).map(([k, v]) => (
                      <div key={k} className="flex justify-between gap-2">
                        <dt className="text-tremor-content dark:text-dark-tremor-content">{k}</dt>
                        <dd>{typeof v === 'number' ? fmtNumber(v, 4) : String(v)}</dd>
                      </div>
                    ))}
                  </dl>
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}
