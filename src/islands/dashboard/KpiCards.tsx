/** Headline figures over the whole table: markets, open interest, funding, alerts, strongest score. */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { fmtFunding, fmtNumber, fmtUsd } from '../../lib/format.ts';
import type { AlertRow, MarketRow } from '../../lib/snapshot-types.ts';

const DAY_MS = 86_400_000;

export function KpiCards({
  rows,
  alerts,
  asOf,
}: {
  rows: readonly MarketRow[];
  alerts: readonly AlertRow[];
  asOf: number | null;
}) {
  const oi = rows.reduce((s, r) => s + (r.oi_usd ?? 0), 0);
  const fundings = rows.map((r) => r.funding_rate).filter((v): v is number => v !== null);
  const avgFunding = fundings.length ? fundings.reduce((a, b) => a + b, 0) / fundings.length : null;
  const since = (asOf ?? 0) - DAY_MS;
  const recentAlerts = alerts.filter((a) => a.local_ts >= since).length;
  const top = rows.reduce<MarketRow | null>(
    (best, r) =>
      r.composite !== null && (best?.composite == null || Math.abs(r.composite) > Math.abs(best.composite)) ? r : best,
    null,
  );
  const cards: [string, string, string][] = [
    ['Markets', String(new Set(rows.map((r) => r.market)).size), `${rows.length} exchange rows`],
    ['Open interest', oi > 0 ? fmtUsd(oi) : '—', 'sum over rows with OI'],
    ['Avg funding', fmtFunding(avgFunding), `${fundings.length} rows with funding`],
    ['Alerts (24h)', String(recentAlerts), `${alerts.length} shown in total`],
    [
      'Top score',
      top ? fmtNumber(top.composite, 2) : '—',
      top ? `${top.market} · ${top.exchange}` : 'no composite yet',
    ],
  ];
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-5" data-testid="kpis">
      {cards.map(([label, value, note]) => (
        <Card key={label} className="p-4">
          <p className="text-tremor-label text-tremor-content dark:text-dark-tremor-content">{label}</p>
          <p className="mt-1 text-xl font-semibold tabular-nums text-tremor-content-strong dark:text-dark-tremor-content-strong">
            {value}
          </p>
          <p className="mt-1 truncate text-xs text-tremor-content dark:text-dark-tremor-content">{note}</p>
        </Card>
      ))}
    </div>
  );
}
