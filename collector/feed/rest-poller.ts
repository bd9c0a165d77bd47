/**
 * REST polls (open interest, long/short ratios) on a schedule that respects the exchange.
 *
 * Polls come in families, the endpoints that count against one rate limit (`RestFamily`;
 * Binance: `/fapi` request weight and the `/futures/data` request count). Per family:
 * - pacing: polls start at least `windowMs / requests` apart, so the family never goes past its
 *   share of the limit in any window, whatever the intervals; the first round, and the polls held
 *   back by a pause, are spread out instead of sent together;
 * - a 429 or 418 pauses that family only, for `Retry-After` (else a growing backoff): open
 *   interest keeps flowing while `/futures/data` waits; a failed request backs off its family;
 * - a used-weight header above `pauseAbove` makes the family wait for the next minute.
 * Each poll then repeats on its own grid (its last slot + interval, not completion + interval),
 * so the polls stay as spread as the first round made them.
 */
import type { ExchangeId, GapCause, MarketEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import type { ExchangeParser, RestFamily, RestPoll } from '../exchanges/types.ts';
import type { Telemetry } from '../telemetry.ts';
import { Backoff } from './backoff.ts';
import type { RawRecorder } from './raw-recorder.ts';
import { hasErrorCode } from '../../core/errors.ts';

/** Timers the poller arms (tests drive a virtual clock through them). */
export interface PollTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollerDeps {
  exchange: ExchangeId;
  parser: ExchangeParser;
  sink: (event: MarketEvent, stream: string) => void;
  logger: Logger;
  telemetry: Telemetry;
  timeoutMs: number;
  backoff: { baseMs: number; capMs: number };
  raw?: RawRecorder | null;
  /** A poll failed: data is missing from `startTs` (the last success) until the next success. */
  onLoss?: (startTs: number, cause: GapCause) => void;
  /** Every successful body, for the websocket parsers' state. */
  onBody?: (url: string, body: string, localTs: number) => void;
  now?: () => number;
  timers?: PollTimers;
  fetch?: typeof fetch;
}

/** A family without a declared limit spreads each round of its polls over this long. */
const UNPACED_SPREAD_MS = 5000;

interface FamilyState {
  readonly name: string;
  readonly spec: RestFamily | null;
  readonly spacingMs: number;
  /** Earliest start of the family's next poll (the pacer's reservation pointer). */
  nextSlot: number;
  pausedUntil: number;
  readonly backoff: Backoff;
}

interface Scheduled {
  readonly poll: RestPoll;
  readonly family: FamilyState;
}

const globalTimers: PollTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RestPoller {
  private readonly armed = new Set<unknown>();
  private stopped = false;
  private readonly now: () => number;
  private readonly timers: PollTimers;
  private readonly scheduled: Scheduled[];
  private inFlight = new Set<Promise<void>>();
  lastError: string | null = null;
  private lastOkAt: number | null = null;

  constructor(
    polls: RestPoll[],
    private readonly deps: PollerDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.timers = deps.timers ?? globalTimers;
    const members = new Map<RestFamily | null, RestPoll[]>();
    for (const p of polls) {
      const list = members.get(p.family ?? null);
      if (list) list.push(p);
      else members.set(p.family ?? null, [p]);
    }
    const families = new Map<RestFamily | null, FamilyState>();
    for (const [spec, list] of members) {
      const spread = list.reduce((ms, p) => Math.min(ms, p.intervalMs), UNPACED_SPREAD_MS);
      families.set(spec, {
        name: spec?.name ?? 'rest',
        spec,
        spacingMs: spec ? spec.windowMs / spec.requests : spread / list.length,
        nextSlot: 0,
        pausedUntil: 0,
        backoff: new Backoff(deps.backoff.baseMs, deps.backoff.capMs),
      });
    }
    this.scheduled = polls.map((poll) => ({ poll, family: families.get(poll.family ?? null)! }));
  }

  start(): void {
    const now = this.now();
    for (const s of this.scheduled) this.reserve(s, now);
  }

  /** Resolves once no request is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.armed) this.timers.clearTimeout(t);
    this.armed.clear();
    await this.idle();
  }

  /** Books the family's next free slot at or after `due` (and after any pause), then waits for it. */
  private reserve(s: Scheduled, due: number): void {
    if (this.stopped) return;
    const f = s.family;
    const slot = Math.max(due, f.nextSlot, f.pausedUntil);
    f.nextSlot = slot + f.spacingMs;
    const t = this.timers.setTimeout(
      () => {
        this.armed.delete(t);
        this.fire(s, slot);
      },
      Math.max(0, Math.ceil(slot - this.now())),
    );
    this.armed.add(t);
  }

  private fire(s: Scheduled, slot: number): void {
    // Paused after this slot was booked: book again behind the pause, in turn with the others.
    if (this.now() < s.family.pausedUntil) return this.reserve(s, this.now());
    const p = this.run(s).finally(() => {
      this.inFlight.delete(p);
      this.reserve(s, Math.max(slot + s.poll.intervalMs, this.now()));
    });
    this.inFlight.add(p);
  }

  private async run({ poll, family }: Scheduled): Promise<void> {
    const { exchange, telemetry, logger } = this.deps;
    let res: Response;
    let body: string;
    try {
      res = await (this.deps.fetch ?? fetch)(poll.url, { signal: AbortSignal.timeout(this.deps.timeoutMs) });
      body = await res.text();
    } catch (err) {
      telemetry.restRequests.inc({ exchange, status: 'error' });
      this.lastError = `${poll.id}: ${(err as Error).message}`;
      this.lost('disconnect');
      this.pause(family, family.backoff.next());
      logger.warn({ poll: poll.id, family: family.name, err: (err as Error).message }, 'REST poll failed; backing off');
      return;
    }
    const localTs = this.now();
    telemetry.restRequests.inc({ exchange, status: String(res.status) });
    if (res.status === 429 || res.status === 418) {
      const retryAfter = Number(res.headers.get('retry-after'));
      const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : family.backoff.next();
      this.pause(family, ms);
      this.lost('error');
      this.lastError = `${poll.id}: HTTP ${res.status}`;
      logger.warn(
        { poll: poll.id, family: family.name, status: res.status, pauseMs: ms },
        `exchange asked us to slow down; pausing the ${family.name} polls only`,
      );
      return;
    }
    const weight = family.spec?.usedWeight;
    const used = weight?.read(res.headers) ?? null;
    if (weight && used !== null && used > weight.pauseAbove) {
      const ms = 60_000 - (localTs % 60_000);
      // Once per pause: the responses still in flight report the same minute.
      if (family.pausedUntil < localTs + ms)
        logger.warn(
          { family: family.name, usedWeight: used, pauseMs: ms },
          `request weight used on this IP is near its limit; pausing the ${family.name} polls until the next minute`,
        );
      this.pause(family, ms);
    }
    if (!res.ok) {
      this.lastError = `${poll.id}: HTTP ${res.status}`;
      this.lost('error');
      logger.warn({ poll: poll.id, status: res.status, body: body.slice(0, 200) }, 'REST poll refused');
      return;
    }
    family.backoff.reset();
    this.lastOkAt = localTs;
    this.deps.raw?.http(`${exchange}/rest`, poll.url, body, localTs);
    try {
      const r = this.deps.parser.parseRest(poll.url, body, localTs, (e) => this.deps.sink(e, 'rest'));
      if (r.type === 'rejected')
        logger.warn({ poll: poll.id, message: r.message }, 'REST poll rejected by the exchange');
      else this.deps.onBody?.(poll.url, body, localTs);
    } catch (err) {
      if (!hasErrorCode(err, 'E_PARSE')) logger.error({ poll: poll.id, err }, 'unexpected error parsing a REST body');
      telemetry.parseErrors.inc({ exchange });
      logger.warn({ poll: poll.id, err: (err as Error).message }, 'malformed REST body skipped');
    }
  }

  private lost(cause: GapCause): void {
    this.deps.onLoss?.(this.lastOkAt ?? this.now(), cause);
  }

  private pause(family: FamilyState, ms: number): void {
    family.pausedUntil = Math.max(family.pausedUntil, this.now() + ms);
  }
}
