/**
 * The replay page: open a recording (a published session, streamed segment by segment, or
 * local files), then play, pause, change speed and seek. The worker replays through the core
 * player and metrics engine; the table, price chart, alerts and gaps update as it plays.
 * Session, window, market, speed and position are kept in the URL
 * (?session=…&from=…&to=…&market=…&speed=…&t=…; &autoplay=1 starts playing on load).
 *
 * The root element carries `data-replay-state` (idle|loading|playing|paused|ended) and
 * `data-events` (events played so far) for scripts and tests.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SPEED_PRESETS, type Speed } from '../../../replay/player/speed.ts';
import { fmtDuration, fmtTime } from '../../lib/format.ts';
import type { AlertRow, GapRow, MarketRow } from '../../lib/snapshot-types.ts';
import { readParams, writeParams } from '../../lib/url-state.ts';
import { gapRowFrom } from '../../lib/gap-row.ts';
import { AlertTable } from '../alerts/AlertTable.tsx';
import { exchangeColor, type ChartSeries } from '../charts/chart-series.ts';
import { alertMarkers, gapMarkers } from '../charts/markers.ts';
import { MarketSelect } from '../charts/MarketSelect.tsx';
import { TimeSeriesChart, type ChartHandle } from '../charts/TimeSeriesChart.tsx';
import { MarketTable } from '../dashboard/MarketTable.tsx';
import type { TableView } from '../dashboard/table-model.ts';
import { applyMarketItems, mergeAlerts } from '../live/apply-items.ts';
import type { FromWorker, PricePoint, RecordingSummary } from '../sqlite/protocol.ts';
import { RecordingPicker } from '../sqlite/RecordingPicker.tsx';
import { useRecording } from '../sqlite/use-recording.ts';

interface Props {
  manifestUrl: string;
  marketHref: string;
}

export type ReplayState = 'idle' | 'loading' | 'playing' | 'paused' | 'ended';

const ALERTS_KEPT = 5000;
const speedLabel = (s: Speed) => (s === 'max' ? 'max' : `${s}×`);
const parseSpeedParam = (text: string | null): Speed => SPEED_PRESETS.find((s) => String(s) === text) ?? 10;
const timeParam = (p: URLSearchParams, name: string): number | undefined => {
  const v = Number(p.get(name));
  return p.get(name) !== null && Number.isFinite(v) && v > 0 ? v : undefined;
};

export default function ReplayPlayer({ manifestUrl, marketHref }: Props) {
  const [rows, setRows] = useState<Map<string, MarketRow>>(new Map());
  const [alerts, setAlerts] = useState<AlertRow[]>([]);
  const [gaps, setGaps] = useState<GapRow[]>([]);
  const [position, setPosition] = useState<number | null>(null);
  const [playing, setPlaying] = useState({ started: false, paused: false, done: false, emitted: 0 });
  const [waiting, setWaiting] = useState(false);
  const [session, setSession] = useState<string | null>(null);
  /** Play as soon as a recording opens: a choice made on the page, or ?autoplay=1. */
  const autoplay = useRef(false);
  const [speed, setSpeed] = useState<Speed>(10);
  const [market, setMarket] = useState('');
  const [view, setView] = useState<TableView>({ tf: '5m', sort: 'market', dir: 'asc', query: '', exchange: '' });
  const [chartVersion, setChartVersion] = useState(0);
  const points = useRef(new Map<string, PricePoint[]>());
  const chart = useRef<ChartHandle | null>(null);
  const marketRef = useRef(market);
  marketRef.current = market;
  const summaryRef = useRef<RecordingSummary | null>(null);
  const startAt = useRef<number | null>(null);

  const clear = () => {
    setRows(new Map());
    setAlerts([]);
    setGaps([]);
    points.current = new Map();
    setChartVersion((v) => v + 1);
  };

  const onMessage = useCallback((m: FromWorker) => {
    if (m.type === 'opened') {
      summaryRef.current = m.summary;
      const wanted = readParams().get('market');
      setMarket(wanted && m.summary.markets.includes(wanted) ? wanted : (m.summary.markets[0] ?? ''));
      clear();
      setPlaying({ started: false, paused: false, done: false, emitted: 0 });
      if (autoplay.current) start();
    } else if (m.type === 'reset') {
      clear();
    } else if (m.type === 'waiting') {
      setWaiting(m.waiting);
    } else if (m.type === 'tick') {
      setPosition(m.position);
      setPlaying({ started: true, paused: m.paused, done: m.done, emitted: m.emitted });
      if (m.channels.metrics?.length || m.channels.tickers?.length)
        setRows((prev) => applyMarketItems(prev, m.channels));
      if (m.channels.alerts?.length) setAlerts((prev) => mergeAlerts(prev, m.channels.alerts ?? [], ALERTS_KEPT));
      const fresh = (m.channels.gaps ?? []).map(gapRowFrom).filter((g): g is GapRow => g !== null);
      if (fresh.length) setGaps((prev) => [...fresh.reverse(), ...prev]);
      for (const p of m.points) {
        const list = points.current.get(p.market) ?? [];
        list.push(p);
        points.current.set(p.market, list);
        if (p.market === marketRef.current) chart.current?.update(p.exchange, p.t, p.v);
      }
    }
  }, []);
  const { load, open, send } = useRecording(onMessage);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const start = () => {
    setPlaying({ started: true, paused: false, done: false, emitted: 0 });
    send({ type: 'play', speed: speedRef.current, from: startAt.current });
    startAt.current = null;
  };

  useEffect(() => {
    const p = readParams();
    setSpeed(parseSpeedParam(p.get('speed')));
    speedRef.current = parseSpeedParam(p.get('speed'));
    startAt.current = timeParam(p, 't') ?? null;
    autoplay.current = p.get('autoplay') === '1';
    // ?rec=sample: links from before the sample became a published session.
    const name = p.get('session') ?? (p.get('rec') === 'sample' ? 'sample' : null);
    if (name) {
      setSession(name);
      open({ kind: 'published', manifestUrl, session: name }, { from: timeParam(p, 'from'), to: timeParam(p, 'to') });
    }
  }, []);

  useEffect(() => setChartVersion((v) => v + 1), [market]);

  const togglePause = () => {
    if (!playing.started) start();
    else if (playing.done) {
      clear();
      send({ type: 'play', speed, from: null });
    } else send({ type: playing.paused ? 'resume' : 'pause' });
    if (position !== null) writeParams({ t: position });
  };
  const changeSpeed = (s: Speed) => {
    setSpeed(s);
    send({ type: 'speed', speed: s });
    writeParams({ speed: String(s) });
  };
  const seek = (ts: number) => {
    setPosition(ts);
    writeParams({ t: ts });
    if (!playing.started) startAt.current = ts;
    else if (playing.done) {
      clear();
      send({ type: 'play', speed, from: ts });
    } else send({ type: 'seek', ts });
  };
  const pickMarket = (m: string) => {
    setMarket(m);
    writeParams({ market: m });
  };

  const markers = useMemo(() => [...alertMarkers(alerts, market), ...gapMarkers(gaps, market)], [alerts, gaps, market]);
  const summary = load.state === 'ready' ? load.summary : null;
  const state: ReplayState =
    load.state === 'loading' || (summary && waiting)
      ? 'loading'
      : !summary
        ? 'idle'
        : playing.done
          ? 'ended'
          : playing.started && !playing.paused
            ? 'playing'
            : 'paused';
  const series: ChartSeries[] = (() => {
    const byExchange = new Map<string, [number, number][]>();
    for (const p of points.current.get(market) ?? []) {
      const list = byExchange.get(p.exchange) ?? [];
      // lightweight-charts needs strictly increasing seconds.
      if (!list.length || Math.floor(list[list.length - 1][0] / 1000) < Math.floor(p.t / 1000)) list.push([p.t, p.v]);
      byExchange.set(p.exchange, list);
    }
    const exchanges = new Set([
      ...byExchange.keys(),
      ...[...rows.values()].filter((r) => r.market === market).map((r) => r.exchange),
    ]);
    return [...exchanges].map((x, i) => ({
      name: x,
      points: byExchange.get(x) ?? [],
      kind: 'line' as const,
      color: exchangeColor(x, i),
    }));
  })();

  return (
    <div className="space-y-4" data-replay-state={state} data-events={playing.emitted}>
      <RecordingPicker
        manifestUrl={manifestUrl}
        session={session}
        load={load}
        onOpen={(s) => {
          const name = s.kind === 'published' ? s.session : null;
          setSession(name);
          writeParams({ session: name, rec: null, from: null, to: null, t: null });
          autoplay.current = true;
          open(s);
        }}
      />
      {summary && (
        <Card className="space-y-3 p-4" data-testid="replay-controls">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <button
              type="button"
              data-testid="play-pause"
              onClick={togglePause}
              className="rounded-tremor-default border border-tremor-border px-3 py-1 font-medium dark:border-dark-tremor-border"
            >
              {playing.done ? 'Replay again' : !playing.started || playing.paused ? 'Play' : 'Pause'}
            </button>
            <label className="flex items-center gap-1">
              Speed
              <select
                aria-label="Speed"
                value={String(speed)}
                onChange={(e) => changeSpeed(parseSpeedParam(e.target.value))}
                className="rounded border border-tremor-border bg-transparent px-1 py-0.5 dark:border-dark-tremor-border"
              >
                {SPEED_PRESETS.map((s) => (
                  <option key={String(s)} value={String(s)}>
                    {speedLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <MarketSelect label="Chart market" markets={summary.markets} value={market} onChange={pickMarket} />
            <span data-testid="replay-position" data-done={playing.done ? 'true' : 'false'} className="tabular-nums">
              {fmtTime(position)} · {playing.emitted.toLocaleString('en-US')} of{' '}
              {summary.events.toLocaleString('en-US')} events
              {playing.done ? ' · finished' : playing.paused ? ' · paused' : ''}
              {waiting ? ' · loading the next segment' : ''}
            </span>
          </div>
          {summary.firstTs !== null && summary.lastTs !== null && (
            <input
              type="range"
              aria-label="Seek"
              data-testid="seek"
              className="w-full"
              min={summary.firstTs}
              max={summary.lastTs}
              step={1000}
              value={position ?? summary.firstTs}
              onChange={(e) => seek(Number(e.target.value))}
            />
          )}
          <p className="text-xs text-tremor-content dark:text-dark-tremor-content">
            Recording spans {fmtTime(summary.firstTs)} – {fmtTime(summary.lastTs)} (
            {fmtDuration(summary.firstTs !== null && summary.lastTs !== null ? summary.lastTs - summary.firstTs : null)}
            ).
          </p>
        </Card>
      )}
      {summary && (
        <>
          <Card className="p-4">
            <TimeSeriesChart
              title={`Price · ${market}`}
              series={series}
              version={chartVersion}
              markers={markers}
              heightClass="h-72"
              onReady={(h) => (chart.current = h)}
            />
          </Card>
          <Card className="p-4">
            <MarketTable rows={[...rows.values()]} view={view} onView={setView} marketHref={marketHref} />
          </Card>
          <div className="grid gap-4 lg:grid-cols-3">
            <Card className="p-4 lg:col-span-2">
              <h2 className="mb-2 font-semibold">
                Alerts <span data-testid="replay-alert-count">{alerts.length}</span>
              </h2>
              <AlertTable alerts={alerts.slice(0, 200)} detailed />
            </Card>
            <Card className="p-4">
              <h2 className="mb-2 font-semibold">
                Gaps <span data-testid="replay-gap-count">{gaps.length}</span>
              </h2>
              {gaps.length === 0 ? (
                <p className="text-sm">No gaps so far.</p>
              ) : (
                <ul className="space-y-1 text-xs">
                  {gaps.slice(0, 50).map((g, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: gap rows have no id and the list only grows at its end
                    <li key={i}>
                      {fmtTime(g.start_ts)} · {g.exchange} {g.stream} {g.market || 'all markets'} · {g.cause} ·{' '}
                      {fmtDuration(g.end_ts - g.start_ts)}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
