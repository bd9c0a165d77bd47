/**
 * The backtest page: choose a recording (a published session, streamed segment by segment, or
 * local files), a strategy and its parameters (kept in the URL: ?session=…&strategy=…&p.<name>=…),
 * run it in the sql.js worker with progress, and see the report the CLI would print for the same
 * recording and parameters, with its entries and exits on the price chart.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useCallback, useEffect, useState } from 'react';
import type { ParamSpec } from '../../../replay/backtest/params.ts';
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import { readParams, writeParams } from '../../lib/url-state.ts';
import type { FromWorker, PricePoint } from '../sqlite/protocol.ts';
import { RecordingPicker } from '../sqlite/RecordingPicker.tsx';
import { useRecording } from '../sqlite/use-recording.ts';
import { BacktestResults } from './BacktestResults.tsx';
import { changedTexts, defaultTexts, textsFromUrl, type ParamTexts, type StrategyInfo } from './form-model.ts';

interface Props {
  strategies: StrategyInfo[];
  accountParams: ParamSpec[];
  manifestUrl: string;
}

type Run =
  | { state: 'idle' }
  | { state: 'running'; done: number; total: number }
  | { state: 'done'; report: BacktestReport; tradesCsv: string; equityCsv: string; points: PricePoint[] }
  | { state: 'error'; message: string };

export default function BacktestRunner({ strategies, accountParams, manifestUrl }: Props) {
  const [session, setSession] = useState<string | null>(null);
  const [strategy, setStrategy] = useState(strategies[0]?.name ?? '');
  const [texts, setTexts] = useState<ParamTexts>({});
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const info = strategies.find((s) => s.name === strategy) ?? strategies[0];
  const specs = [...(info?.params ?? []), ...accountParams];

  const onMessage = useCallback((m: FromWorker) => {
    if (m.type === 'bt-progress') setRun({ state: 'running', done: m.done, total: m.total });
    else if (m.type === 'bt-done')
      setRun({ state: 'done', report: m.report, tradesCsv: m.tradesCsv, equityCsv: m.equityCsv, points: m.points });
    else if (m.type === 'error' && m.code === 'E_BACKTEST') setRun({ state: 'error', message: m.message });
  }, []);
  const { load, open, send } = useRecording(onMessage);

  useEffect(() => {
    const p = readParams();
    const name = p.get('strategy');
    const chosen = strategies.find((s) => s.name === name) ?? strategies[0];
    if (chosen) {
      setStrategy(chosen.name);
      setTexts({
        ...defaultTexts([...chosen.params, ...accountParams]),
        ...textsFromUrl(p, [...chosen.params, ...accountParams]),
      });
    }
    // ?rec=sample: links from before the sample became a published session.
    const wanted = p.get('session') ?? (p.get('rec') === 'sample' ? 'sample' : null);
    if (wanted) {
      setSession(wanted);
      open({ kind: 'published', manifestUrl, session: wanted });
    }
  }, []);

  const saveUrl = (name: string, values: ParamTexts) => {
    const all = [...(strategies.find((s) => s.name === name)?.params ?? []), ...accountParams];
    const changed = changedTexts(values, all);
    const cleared = Object.fromEntries(all.map((p) => [`p.${p.name}`, changed[p.name] ?? null]));
    writeParams({ strategy: name, ...cleared });
  };
  const chooseStrategy = (name: string) => {
    const next = strategies.find((s) => s.name === name);
    if (!next) return;
    const values = defaultTexts([...next.params, ...accountParams]);
    setStrategy(name);
    setTexts(values);
    saveUrl(name, values);
  };
  const setParam = (k: string, v: string) => {
    const values = { ...texts, [k]: v };
    setTexts(values);
    saveUrl(strategy, values);
  };
  const start = () => {
    setRun({ state: 'running', done: 0, total: load.state === 'ready' ? load.summary.events : 0 });
    send({ type: 'backtest', strategy, params: changedTexts(texts, specs) });
  };

  return (
    <div className="space-y-4">
      <RecordingPicker
        manifestUrl={manifestUrl}
        session={session}
        load={load}
        onOpen={(s) => {
          const name = s.kind === 'published' ? s.session : null;
          setSession(name);
          writeParams({ session: name, rec: null });
          setRun({ state: 'idle' });
          open(s);
        }}
      />
      <Card className="space-y-3 p-4" data-testid="backtest-form">
        <label className="block text-sm">
          <span className="mr-2 font-medium">Strategy</span>
          <select
            aria-label="Strategy"
            value={strategy}
            onChange={(e) => chooseStrategy(e.target.value)}
            className="rounded border border-tremor-border bg-transparent px-2 py-1 dark:border-dark-tremor-border"
          >
            {strategies.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {info && <p className="text-sm text-tremor-content dark:text-dark-tremor-content">{info.description}</p>}
        <div className="grid gap-2 md:grid-cols-3">
          {specs.map((p) => (
            // biome-ignore lint/a11y/noLabelWithoutControl: both branches below put the control inside the label
            <label key={p.name} className="text-xs" title={p.description}>
              <span className="block font-mono">{p.name}</span>
              {p.kind === 'boolean' ? (
                <select
                  value={texts[p.name] ?? String(p.default)}
                  onChange={(e) => setParam(p.name, e.target.value)}
                  className="w-full rounded border border-tremor-border bg-transparent px-1 py-1 dark:border-dark-tremor-border"
                >
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input
                  name={p.name}
                  value={texts[p.name] ?? String(p.default)}
                  onChange={(e) => setParam(p.name, e.target.value)}
                  className="w-full rounded border border-tremor-border bg-transparent px-1 py-1 dark:border-dark-tremor-border"
                />
              )}
              <span className="block text-tremor-content dark:text-dark-tremor-content">{p.description}</span>
            </label>
          ))}
        </div>
        <button
          type="button"
          data-testid="run-backtest"
          disabled={load.state !== 'ready' || run.state === 'running'}
          onClick={start}
          className="rounded-tremor-default bg-tremor-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          {load.state === 'ready' ? 'Run backtest' : 'Open a recording to run'}
        </button>
        {run.state === 'running' && (
          <div data-testid="backtest-progress">
            <progress className="w-full" max={run.total || undefined} value={run.total ? run.done : undefined} />
            <p className="text-xs">
              {run.done.toLocaleString('en-US')} of {run.total.toLocaleString('en-US')} events
            </p>
          </div>
        )}
        {run.state === 'error' && (
          <p
            role="alert"
            data-testid="backtest-error"
            className="rounded bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            {run.message}
          </p>
        )}
      </Card>
      {run.state === 'done' && (
        <BacktestResults report={run.report} tradesCsv={run.tradesCsv} equityCsv={run.equityCsv} points={run.points} />
      )}
    </div>
  );
}
