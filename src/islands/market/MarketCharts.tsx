/**
 * A market's charts: price, funding, open interest, long/short and liquidations per exchange,
 * from the build snapshot; the price chart follows the relay's quotes while connected and marks
 * the market's alerts: the recorded ones within its window, then each the relay sends.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { AlertRow, MarketSeries } from '../../lib/snapshot-types.ts';
import { jsonObject, num, str } from '../../lib/values.ts';
import { exchangeColor, type ChartSeries } from '../charts/chart-series.ts';
import { alertMarkers } from '../charts/markers.ts';
import { TimeSeriesChart, type ChartHandle } from '../charts/TimeSeriesChart.tsx';
import type { ChannelItems } from '../../../core/relay-protocol.ts';
import { mergeAlerts } from '../live/apply-items.ts';
import { StatusPill } from '../live/StatusPill.tsx';
import { useRelay } from '../live/use-relay.ts';

interface Props {
  market: string;
  series: Record<string, MarketSeries>;
  /** The market's recorded alerts, newest first. */
  alerts: AlertRow[];
  asOf: number | null;
}

/** Alerts kept for the markers: the recorded ones (200 at most) and what arrives live. */
const KEEP_ALERTS = 1000;

type Field = keyof MarketSeries;

function perExchange(
  series: Record<string, MarketSeries>,
  field: Field,
  kind: ChartSeries['kind'] = 'line',
): ChartSeries[] {
  return Object.entries(series).map(([exchange, s], i) => ({
    name: exchange,
    points: s[field],
    kind,
    color: exchangeColor(exchange, i),
  }));
}

export default function MarketCharts({ market, series, alerts: recorded, asOf }: Props) {
  const price = useRef<ChartHandle | null>(null);
  const [alerts, setAlerts] = useState(recorded);
  const onItems = useCallback((c: ChannelItems) => {
    if (c.alerts?.length) setAlerts((prev) => mergeAlerts(prev, c.alerts ?? [], KEEP_ALERTS));
    for (const raw of c.tickers ?? []) {
      const t = jsonObject(raw);
      const exchange = str(t.exchange);
      const ts = num(t.local_ts);
      const bid = num(t.bid_price);
      const ask = num(t.ask_price);
      if (t.kind === 'book_ticker' && exchange && ts !== null && bid !== null && ask !== null)
        price.current?.update(exchange, ts, (bid + ask) / 2);
    }
  }, []);
  const status = useRelay({ channels: ['tickers', 'alerts'], markets: [market] }, onItems);
  const firstPrice = useMemo(() => {
    const starts = Object.values(series).flatMap((s) => (s.price.length ? [s.price[0][0]] : []));
    return starts.length ? Math.min(...starts) : undefined;
  }, [series]);
  const markers = useMemo(() => alertMarkers(alerts, market, firstPrice), [alerts, market, firstPrice]);
  const liquidations: ChartSeries[] = Object.entries(series).flatMap(([exchange, s]) => [
    {
      name: `${exchange} longs`,
      points: s.liqLong.map(([t, v]) => [t, -v] as [number, number]),
      kind: 'histogram' as const,
      color: '#ef4444',
    },
    { name: `${exchange} shorts`, points: s.liqShort, kind: 'histogram' as const, color: '#10b981' },
  ]);

  return (
    <div className="space-y-4">
      <StatusPill status={status} asOf={asOf} />
      <Card className="p-4">
        <TimeSeriesChart
          title="Price"
          series={perExchange(series, 'price')}
          heightClass="h-72"
          markers={markers}
          onReady={(h) => (price.current = h)}
        />
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <Card className="p-4">
          <TimeSeriesChart title="Funding rate" series={perExchange(series, 'funding')} />
        </Card>
        <Card className="p-4">
          <TimeSeriesChart title="Open interest (base units)" series={perExchange(series, 'oi')} />
        </Card>
        <Card className="p-4">
          <TimeSeriesChart title="Long/short ratio (global accounts)" series={perExchange(series, 'longShort')} />
        </Card>
        <Card className="p-4">
          <TimeSeriesChart title="Liquidations (USD; longs below zero)" series={liquidations} />
        </Card>
      </div>
    </div>
  );
}
