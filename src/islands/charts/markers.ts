/**
 * What a price chart marks on its lines: alerts (coloured by tier; recorded, replayed or live from
 * the relay), gaps in the recording, and a backtest's entries and exits. Pure and library-free at run time: the pages build ChartMarker
 * lists from the rows they hold, and TimeSeriesChart draws what `drawnMarkers` makes of them.
 */
import type { SeriesMarkerBar, UTCTimestamp } from 'lightweight-charts';
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import { fmtDuration, fmtNumber } from '../../lib/format.ts';
import type { AlertRow, GapRow } from '../../lib/snapshot-types.ts';
import { tierHex } from '../alerts/tier-colors.ts';

export interface ChartMarker {
  /** Epoch ms; drawn at its whole second, the chart's time unit. */
  t: number;
  kind: 'alert' | 'gap' | 'entry' | 'exit';
  /** Alerts: 1..6 (any integer draws, in the nearest known tier's colour). */
  tier?: number;
  /** Entries: the position opened (long/short); exits: the order that closed it (sell/buy). */
  side?: 'long' | 'short' | 'buy' | 'sell';
  /** Alerts: the way price moved. */
  direction?: 'up' | 'down' | null;
  text: string;
  /** The series (an exchange's line) it sits on; the first series when absent. */
  series?: string;
}

export type DrawnMarker = SeriesMarkerBar<UTCTimestamp>;

const byTime = (a: ChartMarker, b: ChartMarker) => a.t - b.t;

/**
 * The alerts on `market`, from `since` on when given: the chart library puts a marker older than
 * a line's first point on that point, so alerts before the drawn window would pile up there.
 */
export function alertMarkers(alerts: readonly AlertRow[], market: string, since?: number): ChartMarker[] {
  return alerts
    .filter((a) => a.market === market && (since === undefined || a.local_ts >= since))
    .map(
      (a): ChartMarker => ({
        t: a.local_ts,
        kind: 'alert',
        tier: a.tier,
        direction: a.direction === 'up' || a.direction === 'down' ? a.direction : null,
        text: `T${a.tier}`,
        series: a.exchange,
      }),
    )
    .sort(byTime);
}

/** A gap at its start, its length in the text. A connection's gap (market '') is every market's on that exchange. */
export function gapMarkers(gaps: readonly GapRow[], market: string): ChartMarker[] {
  return gaps
    .filter((g) => g.market === market || g.market === '')
    .map(
      (g): ChartMarker => ({
        t: g.start_ts,
        kind: 'gap',
        text: `gap ${fmtDuration(g.end_ts - g.start_ts)}`,
        series: g.exchange,
      }),
    )
    .sort(byTime);
}

/** Each closed round trip on `market`: its entry, and its exit labelled with the trade's net P&L. */
export function tradeMarkers(report: BacktestReport, market: string): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const tr of report.trade_list) {
    if (tr.market !== market) continue;
    out.push({ t: tr.open_ts, kind: 'entry', side: tr.direction, text: tr.direction, series: tr.exchange });
    const pnl = `${tr.net_pnl >= 0 ? '+' : ''}${fmtNumber(tr.net_pnl, 2)}`;
    const side = tr.direction === 'long' ? 'sell' : 'buy';
    out.push({ t: tr.close_ts, kind: 'exit', side, text: `exit ${pnl}`, series: tr.exchange });
  }
  return out.sort(byTime);
}

/** The markets a backtest traded, most round trips first (ties by name): the first is the one to chart. */
export function tradedMarkets(report: BacktestReport): string[] {
  const counts = new Map<string, number>();
  for (const tr of report.trade_list) counts.set(tr.market, (counts.get(tr.market) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m);
}

/** lightweight-charts counts time in whole UTC seconds. */
export const toChartTime = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

const BUY = '#10b981';
const SELL = '#ef4444';
const GAP = '#94a3b8';
const UP = { shape: 'arrowUp', position: 'belowBar' } as const;
const DOWN = { shape: 'arrowDown', position: 'aboveBar' } as const;

function look(m: ChartMarker): Pick<DrawnMarker, 'shape' | 'position' | 'color'> {
  if (m.kind === 'alert') {
    const color = tierHex(m.tier ?? 0);
    if (m.direction === 'up') return { ...UP, color };
    if (m.direction === 'down') return { ...DOWN, color };
    return { shape: 'circle', position: 'aboveBar', color };
  }
  if (m.kind === 'gap') return { shape: 'square', position: 'aboveBar', color: GAP };
  return m.side === 'long' || m.side === 'buy' ? { ...UP, color: BUY } : { ...DOWN, color: SELL };
}

/**
 * Above this many markers on one line their labels overlap into a smear, and drawing them cost
 * about half of each redraw in Chromium: shape and colour still tell kind, tier and side.
 */
export const LABELLED_MAX = 300;

/**
 * The library's markers per series name, each list in time order (its renderer binary-searches
 * them). Markers on a series the chart does not draw are left out: a connection's gap on an
 * exchange that does not list this market would otherwise sit on another exchange's line.
 */
export function drawnMarkers(
  markers: readonly ChartMarker[],
  seriesNames: readonly string[],
): Map<string, DrawnMarker[]> {
  const out = new Map<string, DrawnMarker[]>(seriesNames.map((n) => [n, []]));
  for (const m of markers) {
    const list = out.get(m.series ?? seriesNames[0]);
    list?.push({ time: toChartTime(m.t), text: m.text, ...look(m) });
  }
  for (const list of out.values()) {
    // Stable, and linear on a list that is already in order (the usual case: appended as played).
    list.sort((a, b) => a.time - b.time);
    if (list.length > LABELLED_MAX) for (const d of list) d.text = '';
  }
  return out;
}
