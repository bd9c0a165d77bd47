/**
 * The synthetic market as a live source: a timer drives timed channels on their cadence and
 * shares the events/s budget among the flow channels (trades, book tickers, book deltas) by
 * weight, spreading each tick's frames over the tick's time span. Without the timer (`manual`),
 * the caller steps it with `tickAt(now)`: `simulate --write` runs hours of it in virtual time.
 */
import type { ExchangeId } from '../../core/events.ts';
import type { Clock } from '../../core/log.ts';
import type { FrameSink, FrameSource } from '../source.ts';
import type { EmitContext, SimChannel } from './channel.ts';
import { createSyntheticMarket, type SyntheticMarket, type SyntheticMarketOptions } from './market.ts';

export interface SyntheticSourceOptions extends Omit<SyntheticMarketOptions, 'start'> {
  /** Frames per second across everything (timed channels included), default 300. */
  eventsPerSecond: number;
  clock: Clock;
  /** Scheduler tick, ms (default 20). */
  tickMs?: number;
  /** No timer: `start` only binds the sink, and the caller calls `tickAt` with its own times. */
  manual?: boolean;
  /**
   * Keep the total near `eventsPerSecond` at low rates too: timed channels that would take more
   * than 3/4 of it run proportionally slower (a recording sized by its rate). Off, timed
   * channels keep their real cadence (markPrice@1s, books every 100 ms) whatever the rate.
   */
  fitTimed?: boolean;
}

interface Timed {
  ch: SimChannel;
  everyMs: number;
  nextAt: number;
}

export interface SyntheticSource extends FrameSource {
  readonly market: SyntheticMarket;
  /** One scheduler tick at `now` (after `start`): the frames since the last tick, then the timed channels due. */
  tickAt(now: number): void;
}

export function createSyntheticSource(opts: SyntheticSourceOptions): SyntheticSource {
  const clock = opts.clock;
  const market = createSyntheticMarket({ ...opts, start: clock() });
  const tickMs = opts.tickMs ?? 20;
  const timed: Timed[] = [];
  const flow: SimChannel[] = [];
  const cumWeights: number[] = [];
  let totalWeight = 0;
  // timed channels produce about one frame per period each; flow channels get the rest
  const naturalRate = market.channels.reduce(
    (n, ch) => n + ('everyMs' in ch.cadence ? 1000 / ch.cadence.everyMs : 0),
    0,
  );
  const stretch = opts.fitTimed ? Math.max(1, naturalRate / (0.75 * opts.eventsPerSecond)) : 1;
  for (const ch of market.channels) {
    if ('everyMs' in ch.cadence) timed.push({ ch, everyMs: Math.round(ch.cadence.everyMs * stretch), nextAt: 0 });
    else {
      flow.push(ch);
      totalWeight += ch.cadence.weight;
      cumWeights.push(totalWeight);
    }
  }
  const timedRate = timed.reduce((n, t) => n + 1000 / t.everyMs, 0);
  const flowRate = Math.max(opts.eventsPerSecond - timedRate, opts.eventsPerSecond / 4);
  let timer: NodeJS.Timeout | null = null;
  let frames = 0;
  let last = 0;
  let budget = 0;
  let tick: (now: number) => void = () => {
    throw new Error('tickAt before start: bind a sink first');
  };

  const pick = (): SimChannel => {
    const r = market.model.rng.next() * totalWeight;
    let i = 0;
    while (cumWeights[i] <= r) i++;
    return flow[i];
  };

  return {
    kind: 'synthetic',
    market,
    rest: market.rest,
    has: (exchange, key) => market.channelFor(exchange, key) !== undefined,
    onSubscribe: (exchange, key, now) => ({ initial: market.snapshot(exchange, key, now), awaitSnapshot: false }),
    armSkip: (exchange: ExchangeId, count) => market.model.armSkip(exchange, count),
    start(sink: FrameSink) {
      last = clock();
      budget = 0;
      for (const t of timed) t.nextAt = last + market.model.rng.int(0, t.everyMs);
      const ctx: EmitContext = { now: last, out: () => {}, wanted: () => false, force: false, skip: () => false };
      const bind = (ch: SimChannel) => {
        ctx.out = (key, text) => {
          frames++;
          sink.publish(ch.exchange, key, text);
        };
        ctx.wanted = (key) => sink.wants(ch.exchange, key);
        ctx.skip = (key) => sink.seasoned(ch.exchange, key) && market.model.takeSkip(ch.exchange);
      };
      tick = (now) => {
        const dt = now - last;
        if (dt <= 0) return;
        // after a stall of the event loop, catch up at most one second of flow
        budget = Math.min(budget + (flowRate * dt) / 1000, flowRate);
        const n = Math.floor(budget);
        budget -= n;
        for (let i = 0; i < n; i++) {
          const t = last + Math.ceil(((i + 1) * dt) / n);
          market.model.advance(t);
          const ch = pick();
          bind(ch);
          ctx.now = t;
          ch.emit(ctx);
        }
        market.model.advance(now);
        ctx.now = now;
        for (const t of timed) {
          if (now < t.nextAt) continue;
          t.nextAt += t.everyMs;
          if (t.nextAt <= now) t.nextAt = now + t.everyMs;
          bind(t.ch);
          t.ch.emit(ctx);
        }
        last = now;
      };
      if (opts.manual) return;
      timer = setInterval(() => tick(clock()), tickMs);
      timer.unref();
    },
    tickAt: (now) => tick(now),
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    describe: () => ({
      eventsPerSecond: opts.eventsPerSecond,
      flowPerSecond: Math.round(flowRate),
      framesPublished: frames,
      markets: market.markets.map((m) => m.base),
    }),
  };
}
