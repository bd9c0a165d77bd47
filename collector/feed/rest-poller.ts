/**
 * REST polls (open interest, long/short ratios) on a schedule that respects the exchange:
 * 429 and 418 pause every poll of that exchange for `Retry-After` (or a growing backoff), and
 * Binance's X-MBX-USED-WEIGHT-1M header slows us down before the 2400/minute budget is hit.
 */
import type { ExchangeId, GapCause, MarketEvent } from '../../replay/core/events.ts';
import type { Logger } from '../../replay/core/log.ts';
import { ParseError, type ExchangeParser, type RestPoll } from '../exchanges/types.ts';
import type { Telemetry } from '../telemetry.ts';
import { Backoff } from './backoff.ts';
import type { RawRecorder } from './raw-recorder.ts';

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
  fetch?: typeof fetch;
}

/** Binance's request-weight budget per minute; above 80 % we wait for the next minute. */
const BINANCE_WEIGHT_BUDGET = 2400;

export class RestPoller {
  private timers: ReturnType<typeof setTimeout>[] = [];
  private pausedUntil = 0;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private inFlight = new Set<Promise<void>>();
  lastError: string | null = null;
  private lastOkAt: number | null = null;

  constructor(
    private readonly polls: RestPoll[],
    private readonly deps: PollerDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.backoff = new Backoff(deps.backoff.baseMs, deps.backoff.capMs);
  }

  start(): void {
    // Spread the first requests over one interval instead of firing them all at once.
    this.polls.forEach((poll, i) => this.schedule(poll, Math.floor((i * Math.min(poll.intervalMs, 5000)) / Math.max(1, this.polls.length))));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(poll: RestPoll, delay: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers = this.timers.filter((x) => x !== t);
      const wait = this.pausedUntil - this.now();
      if (wait > 0) return this.schedule(poll, wait);
      const p = this.run(poll).finally(() => {
        this.inFlight.delete(p);
        this.schedule(poll, poll.intervalMs);
      });
      this.inFlight.add(p);
    }, delay);
    this.timers.push(t);
  }

  private async run(poll: RestPoll): Promise<void> {
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
      this.pause(this.backoff.next());
      logger.warn({ poll: poll.id, err: (err as Error).message }, 'REST poll failed; backing off');
      return;
    }
    const localTs = this.now();
    telemetry.restRequests.inc({ exchange, status: String(res.status) });
    if (res.status === 429 || res.status === 418) {
      const retryAfter = Number(res.headers.get('retry-after'));
      const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoff.next();
      this.pause(ms);
      this.lost('error');
      this.lastError = `${poll.id}: HTTP ${res.status}`;
      logger.warn({ poll: poll.id, status: res.status, pauseMs: ms }, 'exchange asked us to slow down; pausing REST polls');
      return;
    }
    const weight = Number(res.headers.get('x-mbx-used-weight-1m'));
    if (weight > BINANCE_WEIGHT_BUDGET * 0.8) this.pause(60_000 - (localTs % 60_000));
    if (!res.ok) {
      this.lastError = `${poll.id}: HTTP ${res.status}`;
      this.lost('error');
      logger.warn({ poll: poll.id, status: res.status, body: body.slice(0, 200) }, 'REST poll refused');
      return;
    }
    this.backoff.reset();
    this.lastOkAt = localTs;
    this.deps.raw?.http(`${exchange}/rest`, poll.url, body, localTs);
    try {
      const r = this.deps.parser.parseRest(poll.url, body, localTs, (e) => this.deps.sink(e, 'rest'));
      if (r.type === 'rejected') logger.warn({ poll: poll.id, message: r.message }, 'REST poll rejected by the exchange');
      else this.deps.onBody?.(poll.url, body, localTs);
    } catch (err) {
      if (!(err instanceof ParseError)) logger.error({ poll: poll.id, err }, 'unexpected error parsing a REST body');
      telemetry.parseErrors.inc({ exchange });
      logger.warn({ poll: poll.id, err: (err as Error).message }, 'malformed REST body skipped');
    }
  }

  private lost(cause: GapCause): void {
    this.deps.onLoss?.(this.lastOkAt ?? this.now(), cause);
  }

  private pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
