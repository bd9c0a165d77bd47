/** A finished backtest: headline metrics, trades on the price chart, equity curve, trade table and CSV/JSON exports. */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import { fmtNumber, fmtPct, fmtTime } from '../../lib/format.ts';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import type { PricePoint } from '../sqlite/protocol.ts';
import { downloadText } from './download.ts';
import { TradesChart } from './TradesChart.tsx';

interface Props {
  report: BacktestReport;
  tradesCsv: string;
  equityCsv: string;
  /** The session's prices (a point per instrument per second) for the trades chart; none, no chart. */
  points?: readonly PricePoint[];
}

const pct = (v: number | null) => (v === null ? '—' : fmtPct(v * 100));

export function BacktestResults({ report: r, tradesCsv, equityCsv, points }: Props) {
  const metrics: [string, string, string][] = [
    ['total_return', 'Total return', `${pct(r.total_return)} over ${r.total_return_interval}`],
    ['net_pnl', 'Net P&L', `${fmtNumber(r.net_pnl, 2)} USDT`],
    ['sharpe', `Sharpe (${r.return_interval} returns)`, fmtNumber(r.sharpe, 3)],
    ['sortino', `Sortino (${r.return_interval} returns)`, fmtNumber(r.sortino, 3)],
    ['max_drawdown', 'Max drawdown', pct(r.max_drawdown)],
    ['win_rate', 'Win rate', pct(r.win_rate)],
    ['profit_factor', 'Profit factor', fmtNumber(r.profit_factor, 2)],
    ['exposure', 'Exposure', pct(r.exposure)],
    ['trades', 'Trades', String(r.trades)],
    ['fees_paid', 'Fees paid', `${fmtNumber(r.fees_paid, 2)} USDT`],
    ['funding', 'Funding paid / received', `${fmtNumber(r.funding_paid, 2)} / ${fmtNumber(r.funding_received, 2)}`],
  ];
  const name = `backtest-${r.strategy}`;
  return (
    <div className="space-y-4" data-testid="backtest-results">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {metrics.map(([id, label, value]) => (
          <Card key={id} className="p-3">
            <p className="text-tremor-label text-tremor-content dark:text-dark-tremor-content">{label}</p>
            <p className="mt-1 text-lg font-semibold tabular-nums" data-metric={id}>
              {value}
            </p>
          </Card>
        ))}
      </div>
      <p className="text-xs text-tremor-content dark:text-dark-tremor-content">
        {r.session.events.toLocaleString('en-US')} events, {fmtTime(r.session.from_ts)} – {fmtTime(r.session.to_ts)}.{' '}
        {r.annualised_note}
      </p>
      <div className="flex flex-wrap gap-2 text-sm">
        <button
          type="button"
          data-testid="export-trades"
          className="rounded border border-tremor-border px-2 py-1 dark:border-dark-tremor-border"
          onClick={() => downloadText(`${name}-trades.csv`, tradesCsv, 'text/csv')}
        >
          Trades CSV
        </button>
        <button
          type="button"
          data-testid="export-equity"
          className="rounded border border-tremor-border px-2 py-1 dark:border-dark-tremor-border"
          onClick={() => downloadText(`${name}-equity.csv`, equityCsv, 'text/csv')}
        >
          Equity CSV
        </button>
        <button
          type="button"
          data-testid="export-report"
          className="rounded border border-tremor-border px-2 py-1 dark:border-dark-tremor-border"
          onClick={() => downloadText(`${name}-report.json`, JSON.stringify(r, null, 2), 'application/json')}
        >
          Report JSON
        </button>
      </div>
      {points && points.length > 0 && <TradesChart report={r} points={points} />}
      <Card className="p-4">
        <TimeSeriesChart
          title="Equity (USDT)"
          series={[
            { name: 'equity', kind: 'line', color: '#3b82f6', points: r.equity_curve.map((p) => [p.ts, p.equity]) },
          ]}
          heightClass="h-64"
        />
      </Card>
      <Card className="p-4">
        <h2 className="mb-2 font-semibold">Trades ({r.trade_list.length})</h2>
        {r.trade_list.length === 0 ? (
          <p className="text-sm">No round trips in this session.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-xs tabular-nums" data-testid="trade-table">
              <thead>
                <tr className="text-left">
                  <th>Opened</th>
                  <th>Closed</th>
                  <th>Market</th>
                  <th>Dir</th>
                  <th className="text-right">Qty</th>
                  <th className="text-right">Entry</th>
                  <th className="text-right">Exit</th>
                  <th className="text-right">Fees</th>
                  <th className="text-right">Net P&L</th>
                </tr>
              </thead>
              <tbody>
                {r.trade_list.slice(0, 500).map((t) => (
                  <tr key={t.id} className="border-t border-tremor-border dark:border-dark-tremor-border">
                    <td>{fmtTime(t.open_ts)}</td>
                    <td>{fmtTime(t.close_ts)}</td>
                    <td>
                      {t.market} <span className="text-tremor-content">{t.exchange}</span>
                    </td>
                    <td>{t.direction}</td>
                    <td className="text-right">{fmtNumber(t.qty, 4)}</td>
                    <td className="text-right">{fmtNumber(t.entry_price, 4)}</td>
                    <td className="text-right">{fmtNumber(t.exit_price, 4)}</td>
                    <td className="text-right">{fmtNumber(t.fees, 4)}</td>
                    <td className={`text-right ${t.net_pnl >= 0 ? 'text-emerald-600' : 'text-red-600'}`}>
                      {fmtNumber(t.net_pnl, 4)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
