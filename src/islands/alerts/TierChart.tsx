/** Alerts per tier as a Tremor bar chart. Loaded on demand: Tremor charts bring Recharts. */
import BarChart from '@tremor/react/dist/components/chart-elements/BarChart/BarChart.js';
import type { AlertRow } from '../../lib/snapshot-types.ts';

export default function TierChart({ alerts }: { alerts: readonly AlertRow[] }) {
  const data = [1, 2, 3, 4, 5].map((tier) => ({
    tier: `Tier ${tier}`,
    up: alerts.filter((a) => a.tier === tier && a.direction === 'up').length,
    down: alerts.filter((a) => a.tier === tier && a.direction !== 'up').length,
  }));
  return <BarChart className="h-48" data={data} index="tier" categories={['up', 'down']} colors={['emerald', 'rose']} stack allowDecimals={false} />;
}
