/**
 * `continuity watch`: poll /health every interval, append each change of collector state to a
 * JSON-lines log, optionally run `sync` on its own schedule, and stop cleanly when the signal
 * aborts (the CLI wires SIGINT/SIGTERM to it). A sync under way is finished, not cut off.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fetchHealth } from './health.ts';
import type { Redact } from './redact.ts';
import { collectorState, type CollectorState } from './uptime.ts';

export interface WatchOptions {
  healthUrl: string;
  token: string | null;
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
}

/** One line of the transitions log. */
export interface Transition {
  time: string;
  /** null for the first observation after the watcher started. */
  from: CollectorState | null;
  to: CollectorState;
  reasons: string[];
}

export async function watch(o: WatchOptions): Promise<void> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  let last: CollectorState | null = null;
  let lastSync = o.now();
  o.out(
    `watch: polling ${o.healthUrl} every ${o.everyMs} ms${o.syncEveryMs ? `, sync every ${o.syncEveryMs} ms` : ''}; transitions go to ${o.logFile}`,
  );
  while (!o.signal.aborted) {
    const health = await fetchHealth(o.healthUrl, { token: o.token, signal: o.signal });
    if (o.signal.aborted) break;
    const state = collectorState(health);
    if (state !== last) {
      const t: Transition = {
        time: new Date(o.now()).toISOString(),
        from: last,
        to: state,
        reasons: health.running ? health.reasons : [health.detail],
      };
      appendFileSync(o.logFile, o.redact(JSON.stringify(t)) + '\n');
      o.out(
        o.redact(
          `watch: ${t.time} ${last ?? 'start'} -> ${state}${t.reasons.length ? ` (${t.reasons.join('; ')})` : ''}`,
        ),
      );
      last = state;
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
  o.out('watch: stopped');
}
