/**
 * Feed states, uptime and gaps. Starts from the static view (last continuity snapshot or the
 * database's feed_state); the relay pushes a fresh /health report on its `health` channel and
 * new gaps on `gaps` while connected.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { useCallback, useState } from 'react';
import { fmtDuration, fmtTime } from '../../lib/format.ts';
import { healthViewFromReport, type HealthView } from '../../lib/health-view.ts';
import type { GapRow } from '../../lib/snapshot-types.ts';
import { gapRowFrom } from '../../lib/gap-row.ts';
import type { ChannelItems } from '../../../core/relay-protocol.ts';
import { StatusPill } from '../live/StatusPill.tsx';
import type { RelaySubscription } from '../live/relay-connection.ts';
import { useRelay } from '../live/use-relay.ts';

interface Props {
  health: HealthView;
  gaps: GapRow[];
  asOf: number | null;
}

const SUBSCRIPTION: RelaySubscription = { channels: ['health', 'gaps'] };
const GAPS_SHOWN = 100;
const STATUS_TONE: Record<string, string> = {
  ok: 'text-emerald-600 dark:text-emerald-400',
  up: 'text-emerald-600 dark:text-emerald-400',
  degraded: 'text-amber-600 dark:text-amber-400',
  down: 'text-red-600 dark:text-red-400',
};

export default function HealthLive({ health: initial, gaps: initialGaps, asOf }: Props) {
  const [health, setHealth] = useState(initial);
  const [gaps, setGaps] = useState(initialGaps);
  const onItems = useCallback((channels: ChannelItems) => {
    const latest = channels.health?.at(-1);
    const view = latest === undefined ? null : healthViewFromReport(latest);
    if (view) setHealth(view);
    const fresh = (channels.gaps ?? []).map(gapRowFrom).filter((g): g is GapRow => g !== null);
    if (fresh.length) setGaps((prev) => [...fresh.reverse(), ...prev].slice(0, GAPS_SHOWN));
  }, []);
  const status = useRelay(SUBSCRIPTION, onItems);

  return (
    <div className="space-y-5">
      <StatusPill status={status} asOf={asOf} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {(
          [
            ['Collector', health.status ?? 'unknown', health.status ? (STATUS_TONE[health.status] ?? '') : ''],
            ['Uptime', health.uptimeS !== null ? fmtDuration(health.uptimeS * 1000) : '—', ''],
            ['Uptime % (snapshots)', health.uptimePct !== null ? `${health.uptimePct}%` : '—', ''],
            [
              'Open gaps',
              health.openGaps !== null ? String(health.openGaps) : '—',
              health.openGaps ? 'text-amber-600' : '',
            ],
          ] as const
        ).map(([label, value, cls]) => (
          <Card key={label} className="p-4">
            <p className="text-tremor-label text-tremor-content dark:text-dark-tremor-content">{label}</p>
            <p
              className={`mt-1 text-xl font-semibold ${cls}`}
              data-testid={`health-${label.split(' ')[0].toLowerCase()}`}
            >
              {value}
            </p>
          </Card>
        ))}
      </div>
      {health.reasons.length > 0 && (
        <Card className="p-4">
          <h2 className="mb-2 font-semibold">Reasons</h2>
          <ul className="list-disc pl-5 text-sm">
            {health.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </Card>
      )}
      <Card className="p-4">
        <h2 className="mb-2 font-semibold">
          Feeds {health.asOf !== null && <span className="text-xs font-normal">as of {fmtTime(health.asOf)}</span>}
        </h2>
        {health.feeds.length === 0 ? (
          <p className="text-sm">No feeds known.</p>
        ) : (
          <table className="w-full text-sm" data-testid="feeds">
            <thead>
              <tr className="text-left text-tremor-content dark:text-dark-tremor-content">
                <th className="py-1">Exchange</th>
                <th>Stream</th>
                <th>State</th>
                <th className="text-right">Last message</th>
              </tr>
            </thead>
            <tbody>
              {health.feeds.map((f) => (
                <tr
                  key={`${f.exchange}|${f.stream}`}
                  className="border-t border-tremor-border dark:border-dark-tremor-border"
                >
                  <td className="py-1">{f.exchange}</td>
                  <td>{f.stream}</td>
                  <td className={STATUS_TONE[f.state] ?? ''}>{f.state}</td>
                  <td className="text-right tabular-nums">
                    {f.lastMessageAgeMs === null ? '—' : `${fmtDuration(f.lastMessageAgeMs)} ago`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card className="p-4">
        <h2 className="mb-2 font-semibold">Recent gaps</h2>
        {gaps.length === 0 ? (
          <p className="text-sm">No gaps recorded.</p>
        ) : (
          <table className="w-full text-sm" data-testid="gaps">
            <thead>
              <tr className="text-left text-tremor-content dark:text-dark-tremor-content">
                <th className="py-1">Exchange</th>
                <th>Stream</th>
                <th>Market</th>
                <th>Cause</th>
                <th>From</th>
                <th className="text-right">Length</th>
              </tr>
            </thead>
            <tbody>
              {gaps.map((g, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: gap rows have no id and the list is replaced whole
                <tr key={i} className="border-t border-tremor-border dark:border-dark-tremor-border">
                  <td className="py-1">{g.exchange}</td>
                  <td>{g.stream}</td>
                  <td>{g.market || 'all'}</td>
                  <td>{g.cause}</td>
                  <td className="tabular-nums">{fmtTime(g.start_ts)}</td>
                  <td className="text-right tabular-nums">{fmtDuration(g.end_ts - g.start_ts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
