/** RFC 4180 CSV of the trade list and the equity curve (header row, CRLF-free `\n` lines). */
import type { BacktestReport } from '../report.ts';

type Cell = string | number | null;

function cell(v: Cell): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function table(header: readonly string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

const iso = (ts: number) => new Date(ts).toISOString();

export function tradesCsv(report: BacktestReport): string {
  return table(
    [
      'id',
      'exchange',
      'market',
      'direction',
      'open_ts',
      'open_time',
      'close_ts',
      'close_time',
      'qty',
      'entry_price',
      'exit_price',
      'gross_pnl',
      'fees',
      'funding',
      'net_pnl',
      'tag',
    ],
    report.trade_list.map((t) => [
      t.id,
      t.exchange,
      t.market,
      t.direction,
      t.open_ts,
      iso(t.open_ts),
      t.close_ts,
      iso(t.close_ts),
      t.qty,
      t.entry_price,
      t.exit_price,
      t.gross_pnl,
      t.fees,
      t.funding,
      t.net_pnl,
      t.tag,
    ]),
  );
}

export function equityCsv(report: BacktestReport): string {
  return table(
    ['ts', 'time', 'equity'],
    report.equity_curve.map((p) => [p.ts, iso(p.ts), p.equity]),
  );
}
