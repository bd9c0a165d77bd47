/**
 * The alerts a metrics config would have fired over a recording: its events, in `seq` order
 * across the parts, through one fresh engine, forward returns folded in as they mature. This is
 * what `alerts stats --compare` judges presets by — the same events, only the model differs.
 */
import type { Logger } from '../core/log.ts';
import type { MetricsConfig } from '../core/metrics/config.ts';
import { createMetricsEngine } from '../core/metrics/engine.ts';
import type { AlertRecord, EngineOutput } from '../core/metrics/types.ts';
import type { PartReader } from './player/parts.ts';
import { readEvents } from './player/read-events.ts';
import { alertKey } from './recorded-alerts.ts';

export interface RecomputeProgress {
  events: number;
  alerts: number;
}

export function recomputeAlerts(
  parts: Iterable<PartReader>,
  config: MetricsConfig,
  deps: { logger: Logger; onPart?: (name: string, so: RecomputeProgress) => void },
): AlertRecord[] {
  const engine = createMetricsEngine(config, { logger: deps.logger });
  const alerts = new Map<string, AlertRecord>();
  const progress: RecomputeProgress = { events: 0, alerts: 0 };
  for (const part of parts) {
    for (const e of readEvents(part.db, part.filter)) {
      progress.events++;
      const out = engine.onEvent(e);
      if (out) foldAlerts(out, alerts);
    }
    progress.alerts = alerts.size;
    deps.onPart?.(part.name, progress);
  }
  return [...alerts.values()];
}

/** Add an engine output's alerts to `alerts` (by key) and fill in the forward returns it completed. */
export function foldAlerts(out: EngineOutput, alerts: Map<string, AlertRecord>): void {
  for (const a of out.alerts) alerts.set(alertKey(a), a);
  for (const u of out.forwardReturns) {
    const a = alerts.get(alertKey(u.alert));
    if (a) a[u.column] = u.value;
  }
}
