/**
 * Parameter sweeps: every combination of the swept values, and runs ranked by a report measure.
 * Pure, so the CLI and the browser's backtest runner sweep the same way.
 */
import type { ParamValue } from './params.ts';
import type { BacktestReport } from './report.ts';
import { FbError } from '../../core/errors.ts';

/** Most runs one sweep may expand to: a typo like 1..1000 in three parameters should not run for a day. */
export const MAX_SWEEP_RUNS = 1000;

/**
 * The fixed parameters combined with every combination of swept values; the first swept
 * parameter varies slowest.
 */
export function expandSweep(
  fixed: Record<string, ParamValue>,
  sweep: readonly [string, readonly ParamValue[]][],
): Record<string, ParamValue>[] {
  let runs: Record<string, ParamValue>[] = [{ ...fixed }];
  for (const [name, values] of sweep) {
    if (name in fixed) throw new FbError('E_BACKTEST_PARAM', `parameter ${name} is both fixed and swept; give it once`);
    if (!values.length) throw new FbError('E_BACKTEST_PARAM', `sweep of ${name} has no values`);
    runs = runs.flatMap((r) => values.map((v) => ({ ...r, [name]: v })));
    if (runs.length > MAX_SWEEP_RUNS)
      throw new FbError(
        'E_BACKTEST_PARAM',
        `the sweep expands to more than ${MAX_SWEEP_RUNS} runs; sweep fewer values`,
      );
  }
  return runs;
}

/** Measures a sweep can be ranked by; all rank higher-is-better except max_drawdown. */
export const RANK_MEASURES = [
  'sharpe',
  'sortino',
  'total_return',
  'profit_factor',
  'expectancy',
  'win_rate',
  'max_drawdown',
] as const;
export type RankMeasure = (typeof RANK_MEASURES)[number];

/** Best first; runs whose measure is null (undefined for their data) come last, in their original order. */
export function rankRuns<T extends { report: BacktestReport }>(runs: readonly T[], by: RankMeasure): T[] {
  const sign = by === 'max_drawdown' ? 1 : -1;
  return runs
    .map((run, i) => ({ run, i, v: run.report[by] }))
    .sort((a, b) =>
      a.v === null ? (b.v === null ? a.i - b.i : 1) : b.v === null ? -1 : sign * (a.v - b.v) || a.i - b.i,
    )
    .map((x) => x.run);
}
