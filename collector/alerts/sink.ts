/**
 * The alert webhook sink: alerts are queued in the database in the writer's transaction
 * (`enqueue`), then posted to each configured target that takes alerts (`events`) by a loop
 * that retries by post.ts's policy (exponential backoff and jitter, Retry-After honoured, a
 * request the endpoint rejects (4xx other than 408/429) or `maxAttempts` failures given up),
 * and picks up where it left off after a restart.
 * Failures are counted for /health and /metrics (`stats()`).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../core/db.ts';
import type { Logger } from '../../core/log.ts';
import { readAlerts } from '../../core/metrics/store.ts';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, webhookBody, type WebhookEvent, type WebhookFormat } from './payloads.ts';
import { afterFailure, DEFAULT_RETRY, postWebhook, type FetchLike } from './post.ts';
import { DeliveryQueue, type Delivery, type QueueStats } from './queue.ts';
import { redactor, webhookUrlProblem } from './target-url.ts';
import { FbError } from '../../core/errors.ts';

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  /** Telegram chat to post to (required for the telegram format). */
  chatId?: string;
  /** Stable id in the queue, and the target's name in logs and errors; defaults to the format and a hash of the URL (the URL itself is a secret). */
  name?: string;
  /** Lowest tier posted to this target (default 1: every alert). */
  minTier?: number;
  /** What is posted to it (default: every event, alerts and `continuity watch --notify` health transitions). */
  events?: readonly WebhookEvent[];
}

export interface AlertSinkOptions {
  db: Db;
  targets: readonly WebhookTarget[];
  fetch: FetchLike;
  now: () => number;
  logger: Logger;
  /** Jitter source in [0, 1). */
  random?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Deliveries attempted per round. */
  batchSize?: number;
}

export interface AlertSink {
  /** Queue alerts (ids from writeEngineOutput) for every target; call inside the writer's transaction. */
  enqueue(alertIds: readonly number[]): number;
  /** Attempt every delivery due now; resolves when they are done. Concurrent calls share one round. */
  runDue(): Promise<number>;
  /** Deliver in the background from now on. */
  start(): void;
  /** Something was queued (call after the commit): run a round soon. */
  kick(): void;
  stop(): Promise<void>;
  /** Queue counts; `failing` counts give-ups from `since` (epoch ms) on. */
  stats(since?: number): QueueStats;
}

/** A target's id in the queue. */
export function targetId(t: WebhookTarget): string {
  return t.name ?? `${t.format}-${createHash('sha256').update(t.url).digest('hex').slice(0, 12)}`;
}

/** Whether `event`s are posted to the target. */
export function receives(t: WebhookTarget, event: WebhookEvent): boolean {
  return t.events === undefined || t.events.includes(event);
}

/** Throws E_ALERT_SINK naming the first bad entry (its URL is never quoted). */
export function checkTargets(targets: readonly WebhookTarget[]): void {
  const ids = new Set<string>();
  targets.forEach((t, i) => {
    const at = `webhooks[${i}]`;
    if (!WEBHOOK_FORMATS.includes(t.format))
      throw new FbError(
        'E_ALERT_SINK',
        `${at}.format must be one of ${WEBHOOK_FORMATS.join(', ')}, got ${JSON.stringify(t.format)}`,
      );
    const urlProblem = webhookUrlProblem(t.url);
    if (urlProblem) throw new FbError('E_ALERT_SINK', `${at}.url ${urlProblem}`);
    if (t.format === 'telegram' && !t.chatId)
      throw new FbError('E_ALERT_SINK', `${at}.chatId is required for the telegram format (the chat to post to)`);
    if (t.events && (!t.events.length || t.events.some((e) => !WEBHOOK_EVENTS.includes(e))))
      throw new FbError('E_ALERT_SINK', `${at}.events must list one or more of ${WEBHOOK_EVENTS.join(', ')}`);
    const id = targetId(t);
    if (ids.has(id))
      throw new FbError(
        'E_ALERT_SINK',
        `${at} duplicates another target (${id}); give each target its own url or name`,
      );
    ids.add(id);
  });
}

export function createAlertSink(opts: AlertSinkOptions): AlertSink {
  checkTargets(opts.targets);
  const queue = new DeliveryQueue(opts.db);
  const targets = new Map(opts.targets.map((t) => [targetId(t), { ...t, redact: redactor(t.url) }]));
  const random = opts.random ?? Math.random;
  const policy = {
    maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    timeoutMs: opts.timeoutMs ?? DEFAULT_RETRY.timeoutMs,
  };
  const batch = opts.batchSize ?? 50;
  let running: Promise<number> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;

  /** One delivery attempt; 'retry' means the target is failing and its queue waits. */
  async function attempt(d: Delivery): Promise<'delivered' | 'failed' | 'retry'> {
    const t = targets.get(d.target);
    const now = opts.now();
    const [alert] = readAlerts(opts.db, { id: d.alert_id });
    const missing = !t ? `target ${d.target} is no longer configured` : !alert ? `alert ${d.alert_id} not found` : null;
    if (!t || !alert) {
      queue.failed(d.id, missing!, now);
      return 'failed';
    }
    const tries = d.attempts + 1;
    const r = await postWebhook(opts.fetch, t.url, webhookBody(t.format, alert, t.chatId), {
      timeoutMs: policy.timeoutMs,
      now: opts.now,
      redact: t.redact,
    });
    if (r.ok) {
      queue.delivered(d.id, opts.now());
      return 'delivered';
    }
    const end = opts.now();
    opts.logger.warn(
      { code: 'E_WEBHOOK', target: d.target, alert: d.alert_id, attempt: tries, error: r.error },
      'alert webhook delivery failed',
    );
    const next = afterFailure(r, tries, policy, random);
    if ('giveUp' in next) {
      queue.failed(d.id, next.giveUp, end);
      return 'failed';
    }
    queue.retry(d, r.error, end + next.retryInMs, end);
    return 'retry';
  }

  /** Attempt each due delivery at most once: targets in parallel, one target's deliveries in order. */
  async function round(): Promise<number> {
    const tried = new Set<number>();
    for (;;) {
      const due = queue.due(opts.now(), batch).filter((d) => !tried.has(d.id));
      if (due.length === 0) return tried.size;
      const byTarget = new Map<string, Delivery[]>();
      for (const d of due) byTarget.set(d.target, [...(byTarget.get(d.target) ?? []), d]);
      await Promise.all(
        [...byTarget.values()].map(async (list) => {
          for (const d of list) {
            tried.add(d.id);
            if ((await attempt(d)) === 'retry') break; // the rest of this target now waits too
          }
        }),
      );
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const next = started && !running ? queue.nextDue() : null;
    if (next === null) return;
    // Re-check at least every minute so a changed clock or a missed kick cannot stall the queue.
    timer = setTimeout(() => void sink.runDue(), Math.min(60_000, Math.max(0, next - opts.now())));
    timer.unref?.();
  }

  const sink: AlertSink = {
    enqueue(alertIds) {
      const now = opts.now();
      let n = 0;
      for (const [id, t] of targets) if (receives(t, 'alerts')) n += queue.enqueue(alertIds, id, t.minTier ?? 1, now);
      return n;
    },
    runDue() {
      if (running) return running;
      if (timer) clearTimeout(timer);
      timer = null;
      running = round()
        .catch((err: Error) => {
          opts.logger.error({ err, code: 'E_WEBHOOK' }, 'alert webhook round failed');
          return 0;
        })
        .finally(() => {
          running = null;
          schedule();
        });
      return running;
    },
    start() {
      started = true;
      schedule();
    },
    kick() {
      if (started && !running) void sink.runDue();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
    stats: (since) => queue.stats(since),
  };
  return sink;
}
