/**
 * The alert webhook sink: alerts are queued in the database in the writer's transaction
 * (`enqueue`), then posted to each configured target by a loop that retries with exponential
 * backoff and jitter, honours Retry-After, gives up on requests the endpoint rejects (4xx other
 * than 408/429) or after `maxAttempts`, and picks up where it left off after a restart.
 * Failures are counted for /health and /metrics (`stats()`).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../core/db.ts';
import type { Logger } from '../../core/log.ts';
import { readAlerts } from '../../core/metrics/store.ts';
import { WEBHOOK_FORMATS, webhookBody, type WebhookFormat } from './payloads.ts';
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
}

/** The part of `fetch` the sink uses (the global fetch satisfies it). */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

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

function checkTargets(targets: readonly WebhookTarget[]): void {
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
    const id = targetId(t);
    if (ids.has(id))
      throw new FbError(
        'E_ALERT_SINK',
        `${at} duplicates another target (${id}); give each target its own url or name`,
      );
    ids.add(id);
  });
}

/** Retry-After as seconds or an HTTP date; Discord and Telegram also put it in the JSON body. */
function retryAfterMs(header: string | null, body: string, now: number): number | null {
  if (header) {
    const s = Number(header);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  try {
    const j = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const s = Number(j.retry_after ?? j.parameters?.retry_after);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
  } catch {
    // not JSON: no hint
  }
  return null;
}

export function createAlertSink(opts: AlertSinkOptions): AlertSink {
  checkTargets(opts.targets);
  const queue = new DeliveryQueue(opts.db);
  const targets = new Map(opts.targets.map((t) => [targetId(t), { ...t, redact: redactor(t.url) }]));
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? 8;
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 300_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const batch = opts.batchSize ?? 50;
  let running: Promise<number> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;

  /** Exponential, capped, with "equal jitter": half the delay fixed, half random. */
  const backoff = (attempt: number) => {
    const d = Math.min(cap, base * 2 ** (attempt - 1));
    return d / 2 + (random() * d) / 2;
  };

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
    let status = 0;
    let error: string;
    let hint: number | null = null;
    try {
      const res = await opts.fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(t.format, alert, t.chatId)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      const text = await res.text().catch(() => '');
      if (status >= 200 && status < 300) {
        queue.delivered(d.id, opts.now());
        return 'delivered';
      }
      // A reply may quote the request path ("Cannot POST /bot<token>/sendMessage"): redact, then cut.
      error = `HTTP ${status}${text ? `: ${t.redact(text).slice(0, 200)}` : ''}`;
      if (status === 429 || status === 503) hint = retryAfterMs(res.headers.get('retry-after'), text, opts.now());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error =
        e.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : t.redact(`${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`);
    }
    const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
    const end = opts.now();
    opts.logger.warn(
      { code: 'E_WEBHOOK', target: d.target, alert: d.alert_id, attempt: tries, error },
      'alert webhook delivery failed',
    );
    if (!retryable || tries >= maxAttempts) {
      queue.failed(d.id, retryable ? `gave up after ${tries} attempts: ${error}` : error, end);
      return 'failed';
    }
    queue.retry(d, error, end + (hint ?? backoff(tries)), end);
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
      for (const [id, t] of targets) n += queue.enqueue(alertIds, id, t.minTier ?? 1, now);
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
