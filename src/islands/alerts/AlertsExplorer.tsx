/**
 * The alert history: filter by tier, market and time (kept in the URL), each alert's inputs and
 * forward returns. New alerts arrive from the relay when one is connected.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { readParams, writeParams } from '../../lib/url-state.ts';
import type { AlertRow } from '../../lib/snapshot-types.ts';
import { mergeAlerts } from '../live/apply-items.ts';
import type { ChannelItems } from '../../../core/relay-protocol.ts';
import { StatusPill } from '../live/StatusPill.tsx';
import type { RelaySubscription } from '../live/relay-connection.ts';
import { useRelay } from '../live/use-relay.ts';
import { filterAlerts, NO_FILTER, parseUtcInput, toUtcInput, type AlertFilter } from './alert-filter.ts';
import { AlertTable } from './AlertTable.tsx';
import { ALERT_TIERS } from './tier-colors.ts';

const TierChart = lazy(() => import('./TierChart.tsx'));
const SUBSCRIPTION: RelaySubscription = { channels: ['alerts'] };
const KEEP = 5000;
const PAGE = 200;

function filterFromUrl(): AlertFilter {
  const p = readParams();
  return {
    tiers: (p.get('tier') ?? '')
      .split(',')
      .map(Number)
      .filter((t) => Number.isInteger(t) && t >= 1),
    market: p.get('market') ?? '',
    from: parseUtcInput(p.get('from')),
    to: parseUtcInput(p.get('to')),
  };
}

export default function AlertsExplorer({ alerts: initial, asOf }: { alerts: AlertRow[]; asOf: number | null }) {
  const [alerts, setAlerts] = useState(initial);
  const [filter, setFilter] = useState(NO_FILTER);
  const [showChart, setShowChart] = useState(false);
  useEffect(() => {
    setFilter(filterFromUrl());
    setShowChart(true);
  }, []);
  const change = (next: AlertFilter) => {
    setFilter(next);
    writeParams({
      tier: next.tiers.join(','),
      market: next.market,
      from: toUtcInput(next.from),
      to: toUtcInput(next.to),
    });
  };
  const onItems = useCallback(
    (c: ChannelItems) => c.alerts?.length && setAlerts((prev) => mergeAlerts(prev, c.alerts ?? [], KEEP)),
    [],
  );
  const status = useRelay(SUBSCRIPTION, onItems);
  const markets = useMemo(() => [...new Set(alerts.map((a) => a.market))].sort(), [alerts]);
  const shown = useMemo(() => filterAlerts(alerts, filter), [alerts, filter]);
  const toggleTier = (t: number) =>
    change({
      ...filter,
      tiers: filter.tiers.includes(t) ? filter.tiers.filter((x) => x !== t) : [...filter.tiers, t].sort(),
    });
  const input =
    'rounded-tremor-default border border-tremor-border bg-tremor-background px-2 py-1 text-sm dark:border-dark-tremor-border dark:bg-dark-tremor-background';

  return (
    <div className="space-y-4">
      <StatusPill status={status} asOf={asOf} />
      <Card className="flex flex-wrap items-end gap-4 p-4">
        <fieldset className="flex items-center gap-2 text-sm">
          <legend className="mb-1 text-xs text-tremor-content dark:text-dark-tremor-content">Tier</legend>
          {ALERT_TIERS.map((t) => (
            <label key={t} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={filter.tiers.includes(t)}
                onChange={() => toggleTier(t)}
                data-testid={`tier-${t}`}
              />
              T{t}
            </label>
          ))}
        </fieldset>
        <label className="text-sm">
          <span className="block text-xs text-tremor-content dark:text-dark-tremor-content">Market</span>
          <select
            className={input}
            value={filter.market}
            onChange={(e) => change({ ...filter, market: e.target.value })}
            aria-label="Market"
          >
            <option value="">All markets</option>
            {markets.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs text-tremor-content dark:text-dark-tremor-content">From (UTC)</span>
          <input
            type="datetime-local"
            className={input}
            value={toUtcInput(filter.from)}
            onChange={(e) => change({ ...filter, from: parseUtcInput(e.target.value) })}
          />
        </label>
        <label className="text-sm">
          <span className="block text-xs text-tremor-content dark:text-dark-tremor-content">To (UTC)</span>
          <input
            type="datetime-local"
            className={input}
            value={toUtcInput(filter.to)}
            onChange={(e) => change({ ...filter, to: parseUtcInput(e.target.value) })}
          />
        </label>
        <span className="text-sm" data-testid="alert-count">
          {shown.length} of {alerts.length} alerts
        </span>
      </Card>
      {showChart && alerts.length > 0 && (
        <Card className="p-4">
          <Suspense fallback={<p className="text-sm">Loading chart…</p>}>
            <TierChart alerts={shown} />
          </Suspense>
        </Card>
      )}
      <Card className="p-4">
        <AlertTable alerts={shown.slice(0, PAGE)} detailed />
        {shown.length > PAGE && (
          <p className="mt-2 text-xs">Showing the newest {PAGE}; narrow the filter to see others.</p>
        )}
      </Card>
    </div>
  );
}
