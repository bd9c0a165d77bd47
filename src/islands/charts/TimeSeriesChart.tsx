/**
 * A dense time series chart (lightweight-charts, canvas). The library is imported when the
 * chart mounts, so pages without charts never load it. `version` bumps redraw the data; live
 * points are appended through the handle returned by `onReady`. Markers (alerts, gaps, trades)
 * are redrawn on their own when `markers` changes, without touching the series' data.
 */
import type { ISeriesMarkersPluginApi, Time } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { ChartSeries } from './chart-series.ts';
import { drawnMarkers, toChartTime, type ChartMarker } from './markers.ts';

export interface ChartHandle {
  /** Append or replace the newest point of a series (by name). */
  update(name: string, tsMs: number, value: number): void;
  /** Replace every marker (the same as a new `markers` prop, for pages that push them as they play). */
  setMarkers(markers: readonly ChartMarker[]): void;
}

interface Props {
  title: string;
  series: ChartSeries[];
  /** A Tailwind height class: inline style attributes would break the CSP on the static HTML. */
  heightClass?: string;
  /** Change to redraw every series from `series`. */
  version?: number;
  /** Drawn on the series named by each marker's `series` (default the first); a new array redraws them. */
  markers?: readonly ChartMarker[];
  onReady?(handle: ChartHandle | null): void;
}

const isDark = () => document.documentElement.classList.contains('dark');

/** lightweight-charts takes whole-second times, strictly increasing: keep the last value per second. */
function strictlyIncreasing(points: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [ms, v] of points) {
    const t = toChartTime(ms);
    const last = out[out.length - 1];
    if (last && last[0] >= t) {
      if (last[0] === t) last[1] = v;
      continue;
    }
    out.push([t, v]);
  }
  return out;
}

export function TimeSeriesChart({ title, series, heightClass = 'h-56', version = 0, markers, onReady }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const latest = useRef(series);
  latest.current = series;
  const latestMarkers = useRef(markers);
  latestMarkers.current = markers;
  /** Draws markers on the chart now on screen; null until the library has loaded. */
  const drawMarkers = useRef<((m: readonly ChartMarker[]) => void) | null>(null);

  const empty = series.every((s) => s.points.length === 0);

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void import('lightweight-charts').then((lc) => {
      const { createChart, createSeriesMarkers, LineSeries, HistogramSeries, ColorType } = lc;
      if (disposed || !box.current) return;
      const dark = isDark();
      const chart = createChart(box.current, {
        autoSize: true,
        layout: {
          background: { type: ColorType.Solid, color: 'transparent' },
          textColor: dark ? '#d1d5db' : '#374151',
          attributionLogo: false,
        },
        grid: {
          vertLines: { color: dark ? '#1f2937' : '#f3f4f6' },
          horzLines: { color: dark ? '#1f2937' : '#f3f4f6' },
        },
        timeScale: { timeVisible: true, secondsVisible: true },
        rightPriceScale: { borderVisible: false },
      });
      const apis = new Map(
        latest.current.map((s) => {
          const api =
            s.kind === 'histogram'
              ? chart.addSeries(HistogramSeries, { color: s.color, title: s.name, priceLineVisible: false })
              : chart.addSeries(LineSeries, { color: s.color, lineWidth: 2, title: s.name, priceLineVisible: false });
          api.setData(strictlyIncreasing(s.points).map(([time, value]) => ({ time: time as never, value })));
          return [s.name, api] as const;
        }),
      );
      // One markers plugin per series, created when it first has a marker.
      const plugins = new Map<string, ISeriesMarkersPluginApi<Time>>();
      const setMarkers = (list: readonly ChartMarker[]) => {
        const drawn = drawnMarkers(list, [...apis.keys()]);
        let count = 0;
        for (const [name, api] of apis) {
          const mine = drawn.get(name) ?? [];
          count += mine.length;
          const plugin = plugins.get(name);
          if (plugin) plugin.setMarkers(mine);
          else if (mine.length) plugins.set(name, createSeriesMarkers<Time>(api, mine));
        }
        // The canvas cannot be read back: how many markers it draws is said on the box.
        if (box.current) box.current.dataset.markers = String(count);
      };
      if (latestMarkers.current?.length) setMarkers(latestMarkers.current);
      drawMarkers.current = setMarkers;
      chart.timeScale().fitContent();
      box.current.dataset.ready = 'true';
      onReady?.({
        update(name, tsMs, value) {
          const api = apis.get(name);
          if (!api) return;
          const last = api.data().at(-1);
          const time = toChartTime(tsMs);
          if (last && (last.time as number) > time) return;
          api.update({ time: time as never, value });
        },
        setMarkers,
      });
      cleanup = () => {
        drawMarkers.current = null;
        onReady?.(null);
        chart.remove();
      };
    });
    return () => {
      disposed = true;
      cleanup();
    };
    // Redraw on version change, and when the first points arrive (the chart's box exists only
    // then: a replay starts empty); series objects are read through `latest`.
  }, [version, empty]);

  // A chart still loading draws `latestMarkers` once it is ready.
  useEffect(() => {
    drawMarkers.current?.(markers ?? []);
  }, [markers]);

  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      {empty ? (
        <p
          className={`flex items-center justify-center rounded border border-dashed border-tremor-border text-sm text-tremor-content dark:border-dark-tremor-border ${heightClass}`}
        >
          no data in this recording
        </p>
      ) : (
        <div ref={box} data-testid="chart" data-chart={title} className={`w-full ${heightClass}`} />
      )}
    </figure>
  );
}
