/**
 * `continuity watch --notify`: posts health transitions to the webhooks that take them
 * (`webhooks[].events`, default all) without ever holding up the watch loop. Each target has
 * its own in-memory queue, delivered in order in the background with the alert sink's request
 * and retry policy (collector/alerts/post.ts). The queue is bounded, so a target that is down
 * for hours cannot grow it without end: the oldest waiting transition is dropped, with a line
 * saying so. A give-up prints one line naming the target, never its URL (a secret). `close()`
 * gives the deliveries still under way a grace period, then abandons them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  afterFailure,
  DEFAULT_RETRY,
  postWebhook,
  type FetchLike,
  type RetryPolicy,
} from '../collector/alerts/post.ts';
import { checkTargets, receives, targetId, type WebhookTarget } from '../collector/alerts/sink.ts';
import { redactor } from '../collector/alerts/target-url.ts';
import { transitionBody } from './health-message.ts';
import type { Transition } from './watch.ts';

/** Transitions waiting per target: far more than a flapping system produces while a chat service is briefly down. */
const DEFAULT_CAPACITY = 100;

export interface NotifierOptions {
  /** Every configured webhook (as in the config); those whose `events` leave out "health" are skipped. */
  webhooks: readonly WebhookTarget[];
  fetch: FetchLike;
  now: () => number;
  /** Receives the give-up lines. */
  out: (line: string) => void;
  /** How long `close()` waits for deliveries under way. */
  graceMs: number;
  retry?: Partial<RetryPolicy>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Transitions waiting per target besides the one being delivered. */
  capacity?: number;
}

export interface Notifier {
  /** Names of the targets posted to (never their URLs). */
  readonly names: readonly string[];
  /** Queue `t` for every target when it is worth telling (`worthNotifying`); returns at once. */
  notify(t: Transition): void;
  /** Wait up to the grace period for pending deliveries, then abandon the rest. */
  close(): Promise<void>;
}

/**
 * Every change is posted. The first observation after the watch started is posted only when the
 * system is not ok: a watcher started on a broken (or degraded) system says so, a healthy start
 * is not news.
 */
function worthNotifying(t: Transition): boolean {
  return t.from !== null || t.to !== 'ok';
}

/** How a give-up line names a transition, as the watch prints it: "store-1: ok -> degraded". */
const label = (t: Transition) => `${t.target ? `${t.target}: ` : ''}${t.from ?? 'start'} -> ${t.to}`;

const plural = (n: number) => `${n} health notification${n === 1 ? '' : 's'}`;

/** Throws E_ALERT_SINK naming a bad `webhooks[i]` entry, as the collector does. */
export function createNotifier(o: NotifierOptions): Notifier {
  checkTargets(o.webhooks);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
  const random = o.random ?? Math.random;
  const capacity = o.capacity ?? DEFAULT_CAPACITY;
  // Aborted when the grace period is over: cuts requests and retry waits short.
  const stop = new AbortController();
  let closed = false;

  function lane(t: WebhookTarget) {
    const name = targetId(t);
    const redact = redactor(t.url);
    const waiting: Transition[] = [];
    let draining: Promise<void> | null = null;

    /** Post one transition until delivered, given up, or abandoned by close(). */
    async function deliver(tr: Transition): Promise<'done' | 'abandoned'> {
      const body = transitionBody(t.format, tr, t.chatId);
      for (let tries = 1; ; tries++) {
        const r = await postWebhook(o.fetch, t.url, body, {
          timeoutMs: policy.timeoutMs,
          now: o.now,
          redact,
          signal: stop.signal,
        });
        if (r.ok) return 'done';
        if (stop.signal.aborted) return 'abandoned';
        const next = afterFailure(r, tries, policy, random);
        if ('giveUp' in next) {
          o.out(`watch: webhook ${name}: ${label(tr)} not delivered: ${next.giveUp}`);
          return 'done';
        }
        await delay(next.retryInMs, undefined, { signal: stop.signal }).catch(() => {});
        if (stop.signal.aborted) return 'abandoned';
      }
    }

    async function drain(): Promise<void> {
      for (let tr = waiting.shift(); tr; tr = waiting.shift())
        if ((await deliver(tr)) === 'abandoned') {
          const n = 1 + waiting.splice(0).length;
          o.out(`watch: webhook ${name}: stopped with ${plural(n)} undelivered`);
        }
    }

    const run = () => {
      draining = drain().finally(() => {
        draining = null;
        // A transition queued while the loop was finishing must not wait for the next one.
        if (waiting.length) run();
      });
    };

    return {
      name,
      push(tr: Transition) {
        if (waiting.length >= capacity) {
          const dropped = waiting.shift()!;
          o.out(`watch: webhook ${name}: ${capacity} transitions waiting, dropped the oldest (${label(dropped)})`);
        }
        waiting.push(tr);
        if (!draining) run();
      },
      async idle() {
        while (draining) await draining;
      },
    };
  }

  const lanes = o.webhooks.filter((t) => receives(t, 'health')).map(lane);
  return {
    names: lanes.map((l) => l.name),
    notify(t) {
      if (closed || !worthNotifying(t)) return;
      for (const l of lanes) l.push(t);
    },
    async close() {
      if (closed) return;
      closed = true;
      const idle = Promise.all(lanes.map((l) => l.idle()));
      const grace = new AbortController();
      await Promise.race([idle, delay(o.graceMs, undefined, { signal: grace.signal }).catch(() => {})]);
      grace.abort();
      stop.abort();
      await idle;
    },
  };
}
