/** The ranked sweep as an aligned text table (stdout) and as CSV of the raw numbers (sweep.csv). */
import type { ParamValue } from '../replay/backtest/params.ts';
import type { BacktestReport } from '../replay/backtest/report.ts';

interface Run {
  params: Record<string, ParamValue>;
  report: BacktestReport;
  dir: string | null;
}

const MEASURES = [
  'total_return',
  'sharpe',
  'sortino',
  'max_drawdown',
  'trades',
  'win_rate',
  'net_pnl',
  'fees_paid',
] as const;
const PERCENT = new Set<string>(['total_return', 'max_drawdown', 'win_rate']);

function shown(measure: (typeof MEASURES)[number], x: number | null): string {
  if (x === null) return '—';
  if (PERCENT.has(measure)) return `${(x * 100).toFixed(3)}%`;
  if (measure === 'trades') return String(x);
  return x.toFixed(measure === 'net_pnl' || measure === 'fees_paid' ? 2 : 3);
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function sweepTable(ranked: readonly Run[], swept: readonly string[]): { text: string; csv: string } {
  const header = ['rank', ...swept, ...MEASURES, 'return_interval', 'dir'];
  const text = ranked.map((r, i) => [
    String(i + 1),
    ...swept.map((k) => String(r.params[k])),
    ...MEASURES.map((m) => shown(m, r.report[m])),
    r.report.return_interval,
    r.dir ?? '',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...text.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((s, c) => s.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const csvRows = ranked.map((r, i) => [
    i + 1,
    ...swept.map((k) => String(r.params[k])),
    ...MEASURES.map((m) => r.report[m]),
    r.report.return_interval,
    r.dir ?? '',
  ]);
  return {
    text: [line(header), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n'),
    csv: [header, ...csvRows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n',
  };
}
