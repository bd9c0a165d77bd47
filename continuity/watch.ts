/**
 * `continuity watch`: poll /health every interval, append each change of collector state to a
 * JSON-lines log, optionally run `sync` on its own schedule, and stop cleanly when the signal
 * aborts (the CLI wires SIGINT/SIGTERM to it). A sync under way is finished, not cut off.
 * With continuity.targets every role is polled and its changes are logged under its name.
 * With a notifier (`--notify`) each transition is also handed to it for the webhooks; it posts
 * in the background, so a slow or failing webhook never delays the next poll or log line.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Notifier } from './notifier.ts';
import type { Redact } from './redact.ts';
import { fetchRoles, type HealthTarget } from './targets.ts';
import { collectorState, type CollectorState } from './uptime.ts';

export interface WatchOptions {
  /** At least one. */
  targets: HealthTarget[];
  /** Name each transition by its target (set when continuity.targets lists them). */
  named: boolean;
  everyMs: number;
  /** Run `sync` this often (null: never). */
  syncEveryMs: number | null;
  sync: () => Promise<void>;
  /** Absolute path of the transitions log. */
  logFile: string;
  signal: AbortSignal;
  now: () => number;
  redact: Redact;
  out: (line: string) => void;
  /** Posts transitions to the webhooks; closed (with its grace period) when the watch stops. */
  notifier?: Notifier;
}

/** One line of the transitions log. */
export interface Transition {
  time: string;
  /** The target's name, with continuity.targets only. */
  target?: string;
  /** null for the first observation after the watcher started. */
  from: CollectorState | null;
  to: CollectorState;
  reasons: string[];
}

export async function watch(o: WatchOptions): Promise<void> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  // Last state seen per target name.
  const last = new Map<string, CollectorState>();
  let lastSync = o.now();
  const polled =
    o.targets.length === 1
      ? o.targets[0].url
      : `${o.targets.length} targets (${o.targets.map((t) => `${t.name} ${t.url}`).join(', ')})`;
  o.out(
    o.redact(
      `watch: polling ${polled} every ${o.everyMs} ms${o.syncEveryMs ? `, sync every ${o.syncEveryMs} ms` : ''}; transitions go to ${o.logFile}${o.notifier ? ` and to webhooks ${o.notifier.names.join(', ')}` : ''}`,
    ),
  );
  try {
    while (!o.signal.aborted) {
      const roles = await fetchRoles(o.targets, { signal: o.signal });
      if (o.signal.aborted) break;
      for (const { name, health } of roles) {
        const state = collectorState(health);
        const from = last.get(name) ?? null;
        if (state === from) continue;
        const t: Transition = {
          time: new Date(o.now()).toISOString(),
          ...(o.named ? { target: name } : {}),
          from,
          to: state,
          // Redacted here, not only in the log line: the notifier posts them.
          reasons: (health.running ? health.reasons : [health.detail]).map(o.redact),
        };
        appendFileSync(o.logFile, o.redact(JSON.stringify(t)) + '\n');
        o.out(
          o.redact(
            `watch: ${t.time} ${o.named ? `${name}: ` : ''}${from ?? 'start'} -> ${state}${t.reasons.length ? ` (${t.reasons.join('; ')})` : ''}`,
          ),
        );
        last.set(name, state);
        o.notifier?.notify(t);
      }
      if (o.syncEveryMs !== null && o.now() - lastSync >= o.syncEveryMs) {
        lastSync = o.now();
        try {
          await o.sync();
        } catch (err) {
          // A failed sync (conflict, network) leaves the repository as it was; keep watching.
          o.out(o.redact(`watch: sync failed: ${(err as Error).message}`));
        }
      }
      await delay(o.everyMs, undefined, { signal: o.signal }).catch(() => {});
    }
  } finally {
    // Also when the loop failed: pending retries must not keep the process alive.
    await o.notifier?.close();
  }
  o.out('watch: stopped');
}
