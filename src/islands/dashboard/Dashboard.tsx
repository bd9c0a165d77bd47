/**
 * The dashboard island: starts from the build snapshot (rendered into the HTML, so the page is
 * complete without JavaScript), then follows the relay's metrics, tickers and alerts when one
 * answers. Table view state (timeframe, sort, filters) lives in the URL. Alerts new since the
 * page subscribed (not the relay's snapshot of recent ones) toast, may beep and light up their
 * market's row (use-live-alerts.ts); the visitor's choices for that are remembered.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useCallback, useEffect, useState } from 'react';
import { pickParam, readParams, writeParams } from '../../lib/url-state.ts';
import { alertRowsFrom } from '../../lib/alert-row.ts';
import { TIMEFRAMES, type AlertRow, type MarketRow } from '../../lib/snapshot-types.ts';
import { AlertSettings } from '../alerts/AlertSettings.tsx';
import { AlertTable } from '../alerts/AlertTable.tsx';
import { AlertToasts } from '../alerts/AlertToasts.tsx';
import { useLiveAlerts } from '../alerts/use-live-alerts.ts';
import { applyMarketItems, mergeAlerts, rowKey } from '../live/apply-items.ts';
import type { ChannelItems } from '../../../core/relay-protocol.ts';
import { StatusPill } from '../live/StatusPill.tsx';
import type { RelaySubscription } from '../live/relay-connection.ts';
import { useRelay } from '../live/use-relay.ts';
import { KpiCards } from './KpiCards.tsx';
import { MarketTable } from './MarketTable.tsx';
import { COLUMN_IDS, type TableView } from './table-model.ts';

interface Props {
  markets: MarketRow[];
  alerts: AlertRow[];
  asOf: number | null;
  marketHref: string;
}

const DEFAULT_VIEW: TableView = { tf: '1h', sort: 'oi_usd', dir: 'desc', query: '', exchange: '' };
const ALERTS_SHOWN = 8;
const SUBSCRIPTION: RelaySubscription = { channels: ['metrics', 'tickers', 'alerts'] };

function viewFromUrl(): TableView {
  const p = readParams();
  return {
    tf: pickParam(p, 'tf', TIMEFRAMES, DEFAULT_VIEW.tf),
    sort: pickParam(p, 'sort', COLUMN_IDS, DEFAULT_VIEW.sort),
    dir: pickParam(p, 'dir', ['asc', 'desc'] as const, DEFAULT_VIEW.dir),
    query: p.get('q') ?? '',
    exchange: p.get('exchange') ?? '',
  };
}

export default function Dashboard({ markets, alerts, asOf, marketHref }: Props) {
  const [rows, setRows] = useState(() => new Map(markets.map((r) => [rowKey(r), r])));
  const [latestAlerts, setLatestAlerts] = useState(() => alerts.slice(0, ALERTS_SHOWN));
  const [allAlerts, setAllAlerts] = useState(alerts);
  const [view, setView] = useState(DEFAULT_VIEW);
  const [updatedAt, setUpdatedAt] = useState(asOf);

  // URL state is read after hydration so the first render matches the static HTML.
  useEffect(() => setView(viewFromUrl()), []);
  const changeView = (next: TableView) => {
    setView(next);
    writeParams(
      { tf: next.tf, sort: next.sort, dir: next.dir, q: next.query, exchange: next.exchange },
      { tf: DEFAULT_VIEW.tf, sort: DEFAULT_VIEW.sort, dir: DEFAULT_VIEW.dir },
    );
  };

  const live = useLiveAlerts();
  const { arrived } = live;
  const onItems = useCallback(
    (channels: ChannelItems, fresh: ChannelItems) => {
      if (channels.metrics?.length || channels.tickers?.length) setRows((prev) => applyMarketItems(prev, channels));
      if (channels.alerts?.length) {
        setLatestAlerts((prev) => mergeAlerts(prev, channels.alerts ?? [], ALERTS_SHOWN));
        setAllAlerts((prev) => mergeAlerts(prev, channels.alerts ?? [], 2000));
      }
      if (fresh.alerts?.length) arrived(alertRowsFrom(fresh.alerts));
      setUpdatedAt(Date.now());
    },
    [arrived],
  );
  const status = useRelay(SUBSCRIPTION, onItems);
  const list = [...rows.values()];

  return (
    <div className="space-y-5">
      <div className="flex items-center gap-3">
        <StatusPill status={status} asOf={asOf} />
        {status === 'live' && (
          <span className="text-xs text-tremor-content dark:text-dark-tremor-content" data-testid="updated-at">
            updated {new Date(updatedAt ?? 0).toISOString().slice(11, 19)} UTC
          </span>
        )}
        {status !== 'static' && (
          <AlertSettings
            prefs={live.prefs}
            onPrefs={live.setPrefs}
            soundReady={live.soundReady}
            onAllowSound={live.allowSound}
          />
        )}
        {/* Fixed in the corner: inside this row so the column's spacing does not shift it. */}
        <AlertToasts toasts={live.toasts} onDismiss={live.dismiss} onPause={live.pause} onResume={live.resume} />
      </div>
      <KpiCards rows={list} alerts={allAlerts} asOf={status === 'live' ? updatedAt : asOf} />
      <Card className="p-4">
        <MarketTable rows={list} view={view} onView={changeView} marketHref={marketHref} highlights={live.highlights} />
      </Card>
      <Card className="p-4">
        <h2 className="mb-2 font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
          Latest alerts
        </h2>
        <AlertTable alerts={latestAlerts} />
      </Card>
    </div>
  );
}
