/** Every output file of one backtest by name: what the CLI writes to --out and the browser offers as downloads. */
import type { BacktestReport } from '../report.ts';
import { equityCsv, tradesCsv } from './csv.ts';
import { reportMarkdown } from './markdown.ts';

export function reportFiles(report: BacktestReport): Record<string, string> {
  return {
    'report.json': JSON.stringify(report, null, 2) + '\n',
    'trades.csv': tradesCsv(report),
    'equity.csv': equityCsv(report),
    'report.md': reportMarkdown(report),
  };
}
