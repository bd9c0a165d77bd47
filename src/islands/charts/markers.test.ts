/**
 * Chart markers from real rows: the alerts the metrics engine raises over the fixture recording
 * and its connection-wide gap, turned into rows as the replay page turns the worker's items, and
 * the report of a real backtest over the same recording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../core/events.ts';
import { silentLogger } from '../../../core/log.ts';
import { createMetricsEngine } from '../../../core/metrics/engine.ts';
import type { AlertRecord } from '../../../core/metrics/types.ts';
import { openNodeDb } from '../../../replay/adapters/node-sqlite.ts';
import { backtestEvents } from '../../../replay/backtest/engine.ts';
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import { getStrategy } from '../../../replay/backtest/strategies/index.ts';
import { readEvents } from '../../../replay/player/read-events.ts';
import { recordedMetricsConfig } from '../../../replay/player/recorded-metrics-config.ts';
import { FIXTURE_DB } from '../../../test/replay/make-fixture-db.ts';
import { alertRowFrom } from '../../lib/alert-row.ts';
import { gapRowFrom } from '../../lib/gap-row.ts';
import type { AlertRow, GapRow } from '../../lib/snapshot-types.ts';
import { tierHex } from '../alerts/tier-colors.ts';
import { priceSeries } from './chart-series.ts';
import {
  type ChartMarker,
  LABELLED_MAX,
  alertMarkers,
  drawnMarkers,
  gapMarkers,
  tradedMarkets,
  tradeMarkers,
} from './markers.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const GAP_START = Date.UTC(2025, 5, 13, 7, 52);

let events: RecordedEvent[];
let alerts: AlertRow[];
let gaps: GapRow[];
let report: BacktestReport;

beforeAll(() => {
  const db = openNodeDb(FIXTURE_DB, { readonly: true });
  try {
    events = [...readEvents(db)];
    const engine = createMetricsEngine(recordedMetricsConfig(db, events[0].seq), { logger: silentLogger });
    const records: AlertRecord[] = [];
    for (const e of events) records.push(...(engine.onEvent(e)?.alerts ?? []));
    // Newest first, as the replay page keeps them.
    alerts = records
      .map((a) => alertRowFrom({ ...a }))
      .filter((a): a is AlertRow => a !== null)
      .reverse();
    gaps = events
      .filter((e) => e.kind === 'gap')
      .map(gapRowFrom)
      .filter((g): g is GapRow => g !== null);
    report = backtestEvents(events, { strategy: getStrategy('zscore-revert') });
  } finally {
    db.close();
  }
});

const isSorted = (ms: readonly ChartMarker[]) => ms.every((m, i) => i === 0 || ms[i - 1].t <= m.t);

describe('alertMarkers', () => {
  it("marks each of the market's alerts at its receipt time, on its exchange's line, oldest first", () => {
    expect(alerts.length).toBeGreaterThan(1);
    const btc = alertMarkers(alerts, BTC);
    const eth = alertMarkers(alerts, ETH);
    expect(btc.length).toBeGreaterThan(0);
    expect(eth.length).toBeGreaterThan(0);
    expect(btc.length + eth.length).toBe(alerts.length);
    expect(isSorted(btc) && isSorted(eth)).toBe(true);
    for (const m of btc) {
      const a = alerts.find((x) => x.market === BTC && x.local_ts === m.t && x.tier === m.tier);
      expect(a, `an alert at ${m.t}`).toBeDefined();
      expect(m).toMatchObject({ kind: 'alert', series: a?.exchange, direction: a?.direction, text: `T${a?.tier}` });
    }
    expect(alertMarkers(alerts, 'SOL/USDT:USDT')).toEqual([]);
  });

  it('leaves out the alerts before `since`, the first point the chart draws', () => {
    const all = alertMarkers(alerts, BTC);
    const since = all[Math.floor(all.length / 2)].t;
    expect(alertMarkers(alerts, BTC, since)).toEqual(all.filter((m) => m.t >= since));
    expect(alertMarkers(alerts, BTC, all[0].t)).toEqual(all);
  });
});

describe('gapMarkers', () => {
  it("marks a connection's gap at its start on every market of that exchange, its length in the text", () => {
    expect(gaps).toHaveLength(1);
    expect(gaps[0].market).toBe('');
    for (const market of [BTC, ETH])
      expect(gapMarkers(gaps, market)).toEqual([
        { t: GAP_START, kind: 'gap', text: 'gap 30s', series: 'binance-usdm' },
      ]);
  });

  it("keeps a market's own gap to that market", () => {
    const own = { ...gaps[0], market: ETH, start_ts: GAP_START + 60_000, end_ts: GAP_START + 65_000 };
    expect(gapMarkers([own, ...gaps], BTC).map((m) => m.t)).toEqual([GAP_START]);
    expect(gapMarkers([own, ...gaps], ETH).map((m) => m.t)).toEqual([GAP_START, GAP_START + 60_000]);
  });
});

describe('tradeMarkers', () => {
  it('marks every round trip on the market: its entry by direction, its exit by the closing side and net P&L', () => {
    const markets = tradedMarkets(report);
    expect(markets.length).toBeGreaterThan(0);
    let total = 0;
    for (const market of markets) {
      const trades = report.trade_list.filter((t) => t.market === market);
      const ms = tradeMarkers(report, market);
      total += ms.length;
      expect(ms).toHaveLength(trades.length * 2);
      expect(isSorted(ms)).toBe(true);
      for (const t of trades) {
        expect(ms).toContainEqual({
          t: t.open_ts,
          kind: 'entry',
          side: t.direction,
          text: t.direction,
          series: t.exchange,
        });
        const exit = ms.find((m) => m.kind === 'exit' && m.t === t.close_ts && m.series === t.exchange);
        expect(exit?.side).toBe(t.direction === 'long' ? 'sell' : 'buy');
        expect(exit?.text).toMatch(t.net_pnl >= 0 ? /^exit \+\d/ : /^exit -\d/);
      }
    }
    expect(total).toBe(report.trade_list.length * 2);
  });

  it('lists the traded markets most trades first', () => {
    const counts = tradedMarkets(report).map((m) => report.trade_list.filter((t) => t.market === m).length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(new Set(tradedMarkets(report))).toEqual(new Set(report.trade_list.map((t) => t.market)));
  });
});

describe('drawnMarkers', () => {
  it('puts each marker on its series at its whole second, each list in time order', () => {
    const all = [...tradeMarkers(report, BTC), ...gapMarkers(gaps, BTC), ...alertMarkers(alerts, BTC)];
    const drawn = drawnMarkers(all, ['binance-usdm']);
    const list = drawn.get('binance-usdm') ?? [];
    expect(list).toHaveLength(all.length);
    expect(list.every((m, i) => Number.isInteger(m.time) && (i === 0 || list[i - 1].time <= m.time))).toBe(true);
    expect(list.map((m) => m.time).sort((a, b) => a - b)).toEqual(
      all.map((m) => Math.floor(m.t / 1000)).sort((a, b) => a - b),
    );
  });

  it('draws alerts in their tier colour, arrows by direction; gaps as squares; buys up and sells down', () => {
    const at = (m: Omit<ChartMarker, 't' | 'text'>) =>
      drawnMarkers([{ t: 1_500, text: '', ...m }], ['x']).get('x')?.[0];
    expect(at({ kind: 'alert', tier: 3, direction: 'up' })).toMatchObject({
      time: 1,
      shape: 'arrowUp',
      position: 'belowBar',
      color: tierHex(3),
    });
    expect(at({ kind: 'alert', tier: 5, direction: 'down' })).toMatchObject({ shape: 'arrowDown', color: tierHex(5) });
    expect(at({ kind: 'alert', tier: 1, direction: null })?.shape).toBe('circle');
    expect(new Set([1, 2, 3, 4, 5, 6].map(tierHex)).size).toBe(6);
    // A tier the site does not know yet draws in the highest known tier's colour.
    expect(at({ kind: 'alert', tier: 7, direction: 'up' })?.color).toBe(tierHex(6));
    expect(at({ kind: 'gap' })?.shape).toBe('square');
    expect(at({ kind: 'entry', side: 'long' })?.shape).toBe('arrowUp');
    expect(at({ kind: 'exit', side: 'sell' })?.shape).toBe('arrowDown');
    expect(at({ kind: 'entry', side: 'short' })?.shape).toBe('arrowDown');
    expect(at({ kind: 'exit', side: 'buy' })?.shape).toBe('arrowUp');
  });

  it('labels the markers of a line up to LABELLED_MAX of them, and only shapes them beyond', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i): ChartMarker => ({ t: i * 1000, kind: 'alert', tier: 2, text: 'T2' }));
    const texts = (n: number) =>
      new Set(
        drawnMarkers(many(n), ['x'])
          .get('x')
          ?.map((m) => m.text),
      );
    expect(texts(LABELLED_MAX)).toEqual(new Set(['T2']));
    expect(texts(LABELLED_MAX + 1)).toEqual(new Set(['']));
  });

  it('puts a marker without a series on the first line, and leaves out one for a line the chart does not draw', () => {
    // The ETH chart draws Bybit only: Binance's connection gap is not ETH's there.
    const eth = drawnMarkers([...gapMarkers(gaps, ETH), { t: GAP_START, kind: 'gap', text: 'x' }], ['bybit-linear']);
    expect(eth.get('bybit-linear')?.map((m) => m.text)).toEqual(['x']);
    expect([...eth.keys()]).toEqual(['bybit-linear']);
  });
});

describe('priceSeries', () => {
  it("draws a market's price points as one line per exchange", () => {
    const points = [
      { exchange: 'bybit-linear', market: ETH, t: 1_000, v: 1 },
      { exchange: 'binance-usdm', market: BTC, t: 1_000, v: 9 },
      { exchange: 'okx-swap', market: ETH, t: 1_000, v: 2 },
      { exchange: 'bybit-linear', market: ETH, t: 2_000, v: 3 },
    ];
    const series = priceSeries(points, ETH);
    expect(series.map((s) => [s.name, s.points])).toEqual([
      [
        'bybit-linear',
        [
          [1_000, 1],
          [2_000, 3],
        ],
      ],
      ['okx-swap', [[1_000, 2]]],
    ]);
  });
});
