/**
 * `futuresboard backtest`: run a built-in strategy over a recorded session. One run prints its
 * Markdown report (and writes report.json, trades.csv, equity.csv, report.md with --out); a
 * sweep runs every combination of the swept values, writes each run's report under --out and
 * prints the runs ranked. A progress bar goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { join } from 'node:path';
import { parseCommand, type CommandSpec } from './kit.ts';
import { Progress } from './progress.ts';
import { ACCOUNT_PARAMS } from '../replay/backtest/config.ts';
import { backtestEvents } from '../replay/backtest/engine.ts';
import { resolveParams, splitAssignment, type ParamSpec, type ParamValue } from '../replay/backtest/params.ts';
import { reportFiles } from '../replay/backtest/report/files.ts';
import { reportMarkdown } from '../replay/backtest/report/markdown.ts';
import type { BacktestReport } from '../replay/backtest/report.ts';
import { STRATEGIES, getStrategy } from '../replay/backtest/strategies/index.ts';
import { expandSweep, rankRuns, RANK_MEASURES, type RankMeasure } from '../replay/backtest/sweep.ts';
import { countEvents, metricsConfigAtStart, recordingEvents } from '../replay/player/parts.ts';
import { FILTER_OPTIONS, filterOptions, recordingOption } from './replay-options.ts';
import { sweepTable } from './sweep-table.ts';

function paramLines(specs: readonly ParamSpec[]): string[] {
  return specs.map((p) => `    ${p.name.padEnd(22)} ${p.description} (default: ${String(p.default)})`);
}

const SPEC: CommandSpec = {
  usage:
    'futuresboard backtest (--db <file> | --recordings <dir>) --strategy <name> [--param k=v ...] [--sweep k=a,b,c ...] [--out <dir>] [--from <time>] [--to <time>] [--markets <list>]',
  summary: [
    'Run a strategy over a recorded session: fills at best bid/ask plus slippage, maker/taker fees per exchange,',
    'funding at each funding time at the mark price (positive rate: longs pay). No look-ahead.',
    '',
    'Strategies and their parameters:',
    ...STRATEGIES.flatMap((s) => [`  ${s.name}: ${s.description}`, ...paramLines(s.params)]),
    '',
    'Account parameters (any strategy):',
    ...paramLines(ACCOUNT_PARAMS),
  ].join('\n'),
  options: {
    ...FILTER_OPTIONS,
    strategy: {
      type: 'string',
      description: `strategy to run: ${STRATEGIES.map((s) => s.name).join(', ')}`,
      placeholder: 'name',
    },
    param: {
      type: 'string',
      multiple: true,
      description: 'set a parameter, repeatable: --param entry_z=2.5',
      placeholder: 'k=v',
    },
    sweep: {
      type: 'string',
      multiple: true,
      description: 'sweep a parameter over values, repeatable: --sweep entry_z=1.5,2,2.5',
      placeholder: 'k=a,b,c',
    },
    out: {
      type: 'string',
      description: 'directory for report.json, trades.csv, equity.csv, report.md (one subdirectory per run in a sweep)',
      placeholder: 'dir',
    },
    rank: {
      type: 'string',
      description: `measure a sweep is ranked by: ${RANK_MEASURES.join(', ')}`,
      placeholder: 'measure',
      default: 'sharpe',
    },
  },
};

export interface BacktestIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Turn library errors about parameters and strategies into one-line usage errors. */
function asCliError(err: unknown): never {
  if (hasErrorCode(err, 'E_BACKTEST_PARAM', 'E_BACKTEST_STRATEGY', 'E_BACKTEST_STATE'))
    throw new FbError('E_USAGE', err.message);
  throw err;
}

/** A directory name for one sweep run: its number and swept values, filesystem-safe. */
function runDirName(i: number, swept: readonly string[], params: Record<string, ParamValue>): string {
  const slug = swept
    .map((k) => `${k}-${String(params[k])}`)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  return `run-${String(i + 1).padStart(3, '0')}${slug ? `_${slug}` : ''}`;
}

function writeRun(dir: string, report: BacktestReport): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(reportFiles(report))) writeFileSync(join(dir, name), text);
}

export async function runBacktest(
  argv: string[],
  io: BacktestIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const args = parseCommand(argv, SPEC, (s) => void io.stdout.write(s + '\n'));
  if (!args) return 0;
  const v = args.values;
  if (typeof v.strategy !== 'string')
    throw new FbError('E_USAGE', `--strategy <name> is required: one of ${STRATEGIES.map((s) => s.name).join(', ')}`);
  const rank = v.rank as string;
  if (!(RANK_MEASURES as readonly string[]).includes(rank))
    throw new FbError('E_USAGE', `--rank must be one of ${RANK_MEASURES.join(', ')}; got ${JSON.stringify(rank)}`);
  const recording = recordingOption(v);
  const filter = filterOptions(v);
  const out = v.out as string | undefined;

  let runs: Record<string, ParamValue>[];
  let swept: string[];
  let strategy: ReturnType<typeof getStrategy>;
  try {
    strategy = getStrategy(v.strategy);
    const fixed = Object.fromEntries(
      ((v.param as string[] | undefined) ?? []).map((p) => splitAssignment(p, '--param')),
    );
    const sweep = ((v.sweep as string[] | undefined) ?? []).map((s): [string, string[]] => {
      const [name, list] = splitAssignment(s, '--sweep');
      return [
        name,
        list
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ];
    });
    swept = sweep.map(([name]) => name);
    runs = expandSweep(fixed, sweep);
    // Check every run's parameters before spending time on any of them.
    for (const r of runs) resolveParams([...strategy.params, ...ACCOUNT_PARAMS], r);
  } catch (err) {
    asCliError(err);
  }
  if (runs.length > 1 && out === undefined)
    throw new FbError('E_USAGE', 'a sweep writes one report per run: give --out <dir>');

  const count = countEvents(recording, filter);
  if (count === 0) throw new FbError('E_USAGE', `no events in ${recording.name} match the given --from/--to/--markets`);
  const metricsConfig = metricsConfigAtStart(recording, filter);
  const progress = new Progress(`backtest ${strategy.name}`, count * runs.length, io.stderr as NodeJS.WriteStream);
  const results: { i: number; params: Record<string, ParamValue>; report: BacktestReport; dir: string | null }[] = [];
  for (const [i, params] of runs.entries()) {
    const done = i * count;
    let report: BacktestReport;
    try {
      report = backtestEvents(recordingEvents(recording, filter), {
        strategy,
        params,
        metricsConfig,
        onProgress: (n) => progress.update(done + n, `run ${i + 1}/${runs.length}`),
      });
    } catch (err) {
      asCliError(err);
    }
    const dir = out === undefined ? null : runs.length > 1 ? join(out, runDirName(i, swept, params)) : out;
    if (dir) writeRun(dir, report);
    results.push({ i, params, report, dir });
  }
  progress.done();
  if (runs.length === 1) {
    io.stdout.write(reportMarkdown(results[0].report));
    if (out) io.stdout.write(`\nwrote report.json, trades.csv, equity.csv, report.md to ${out}\n`);
    return 0;
  }
  const ranked = rankRuns(results, rank as RankMeasure);
  const table = sweepTable(ranked, swept);
  writeFileSync(join(out!, 'sweep.csv'), table.csv);
  io.stdout.write(`${table.text}\nranked by ${rank}; ${runs.length} runs written under ${out} (summary: sweep.csv)\n`);
  return 0;
}
