/**
 * Alerts per tier as Tremor charts: a bar chart split by direction and a donut of each tier's
 * share. Loaded on demand: Tremor charts bring Recharts.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import BarChart from '@tremor/react/dist/components/chart-elements/BarChart/BarChart.js';
import DonutChart from '@tremor/react/dist/components/chart-elements/DonutChart/DonutChart.js';
import type { AlertRow } from '../../lib/snapshot-types.ts';
import { ALERT_TIERS, tierColor } from './tier-colors.ts';

export default function TierChart({ alerts }: { alerts: readonly AlertRow[] }) {
  const data = ALERT_TIERS.map((tier) => ({
    tier: `Tier ${tier}`,
    up: alerts.filter((a) => a.tier === tier && a.direction === 'up').length,
    down: alerts.filter((a) => a.tier === tier && a.direction !== 'up').length,
  }));
  const shares = data
    .map((d, i) => ({ tier: d.tier, alerts: d.up + d.down, color: tierColor(ALERT_TIERS[i]) }))
    .filter((d) => d.alerts > 0);
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <BarChart
        className="h-48 md:col-span-2"
        data={data}
        index="tier"
        categories={['up', 'down']}
        colors={['emerald', 'rose']}
        stack
        allowDecimals={false}
      />
      <figure data-testid="tier-donut" className="flex flex-col items-center">
        <DonutChart
          className="h-40"
          data={shares}
          index="tier"
          category="alerts"
          colors={shares.map((s) => s.color)}
          label={String(alerts.length)}
          showAnimation={false}
        />
        <figcaption className="mt-2 text-xs text-tremor-content dark:text-dark-tremor-content">
          Share by tier
        </figcaption>
      </figure>
    </div>
  );
}
