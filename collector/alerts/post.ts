/**
 * One webhook POST and the retry policy around it, shared by the alert sink (its queue lives in
 * the database) and `continuity watch --notify` (its queue lives in memory): what counts as
 * delivered, what is worth another try, how long to wait (exponential backoff with jitter, or
 * the endpoint's Retry-After), and error texts with the URL's secrets redacted.
 */

/** The part of `fetch` a delivery uses (the global fetch satisfies it). */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface RetryPolicy {
  /** Attempts before a retryable failure is given up. */
  maxAttempts: number;
  /** Wait after the first failure; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One request's limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 300_000,
  timeoutMs: 10_000,
};

export type PostResult =
  | { ok: true }
  | {
      ok: false;
      /** Redacted, e.g. "HTTP 500: oops" or "no answer within 10000 ms". */
      error: string;
      /** A network error, a timeout, 408, 429 or 5xx: the endpoint may accept it later. */
      retryable: boolean;
      /** The endpoint's Retry-After (429 and 503), or null. */
      retryAfterMs: number | null;
    };

export type PostFailure = Extract<PostResult, { ok: false }>;

export interface PostOptions {
  timeoutMs: number;
  now: () => number;
  /** Hides the URL's secrets in an error text (target-url.ts `redactor`). */
  redact: (text: string) => string;
  /** Cuts the request short (the caller is stopping). */
  signal?: AbortSignal;
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

/** POST `body` as JSON to `url` once; a 2xx answer is delivered, anything else a failure. */
export async function postWebhook(fetch: FetchLike, url: string, body: unknown, o: PostOptions): Promise<PostResult> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  let status = 0;
  let error: string;
  let hint: number | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
    });
    status = res.status;
    const text = await res.text().catch(() => '');
    if (status >= 200 && status < 300) return { ok: true };
    // A reply may quote the request path ("Cannot POST /bot<token>/sendMessage"): redact, then cut.
    error = `HTTP ${status}${text ? `: ${o.redact(text).slice(0, 200)}` : ''}`;
    if (status === 429 || status === 503) hint = retryAfterMs(res.headers.get('retry-after'), text, o.now());
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    error =
      e.name === 'TimeoutError'
        ? `no answer within ${o.timeoutMs} ms`
        : o.redact(`${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`);
  }
  const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
  return { ok: false, error, retryable, retryAfterMs: hint };
}

/**
 * After the `tries`-th attempt failed: give up (with the error to record), or wait and try again.
 * The wait is the endpoint's Retry-After, else exponential and capped with "equal jitter": half
 * the delay fixed, half random (`random` in [0, 1)).
 */
export function afterFailure(
  f: PostFailure,
  tries: number,
  policy: RetryPolicy,
  random: () => number,
): { giveUp: string } | { retryInMs: number } {
  if (!f.retryable) return { giveUp: f.error };
  if (tries >= policy.maxAttempts) return { giveUp: `gave up after ${tries} attempts: ${f.error}` };
  if (f.retryAfterMs !== null) return { retryInMs: f.retryAfterMs };
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tries - 1));
  return { retryInMs: d / 2 + (random() * d) / 2 };
}
