/**
 * A backtest's trades on the price chart: the traded market's price per exchange with every
 * entry and exit marked. Several markets traded: a picker, opening on the one with most trades.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useMemo, useState } from 'react';
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import { priceSeries } from '../charts/chart-series.ts';
import { tradedMarkets, tradeMarkers } from '../charts/markers.ts';
import { MarketSelect } from '../charts/MarketSelect.tsx';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import type { PricePoint } from '../sqlite/protocol.ts';

interface Props {
  report: BacktestReport;
  points: readonly PricePoint[];
}

export function TradesChart({ report, points }: Props) {
  const markets = useMemo(() => tradedMarkets(report), [report]);
  const [picked, setPicked] = useState<string | null>(null);
  const market = picked !== null && markets.includes(picked) ? picked : markets[0];
  const series = useMemo(() => (market ? priceSeries(points, market) : []), [points, market]);
  const markers = useMemo(() => (market ? tradeMarkers(report, market) : []), [report, market]);
  if (!market) return null;
  return (
    <Card className="space-y-2 p-4" data-testid="trades-chart">
      {markets.length > 1 && (
        <MarketSelect
          label="Traded market"
          markets={markets}
          value={market}
          onChange={setPicked}
          className="flex items-center gap-1 text-sm"
        />
      )}
      {/* Keyed by market: the chart draws its series once, so another market is another chart. */}
      <TimeSeriesChart key={market} title={`Trades · ${market}`} series={series} markers={markers} heightClass="h-72" />
    </Card>
  );
}
