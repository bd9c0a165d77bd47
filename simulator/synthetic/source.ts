/**
 * The synthetic market as a live source: a timer drives timed channels on their cadence and
 * shares the events/s budget among the flow channels (trades, book tickers, book deltas) by
 * weight, spreading each tick's frames over the tick's time span.
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
}

interface Timed {
  ch: SimChannel;
  everyMs: number;
  nextAt: number;
}

export function createSyntheticSource(opts: SyntheticSourceOptions): FrameSource & { market: SyntheticMarket } {
  const clock = opts.clock;
  const market = createSyntheticMarket({ ...opts, start: clock() });
  const tickMs = opts.tickMs ?? 20;
  const timed: Timed[] = [];
  const flow: SimChannel[] = [];
  const cumWeights: number[] = [];
  let totalWeight = 0;
  for (const ch of market.channels) {
    if ('everyMs' in ch.cadence) timed.push({ ch, everyMs: ch.cadence.everyMs, nextAt: 0 });
    else {
      flow.push(ch);
      totalWeight += ch.cadence.weight;
      cumWeights.push(totalWeight);
    }
  }
  // timed channels produce about one frame per period each; flow channels get the rest
  const timedRate = timed.reduce((n, t) => n + 1000 / t.everyMs, 0);
  const flowRate = Math.max(opts.eventsPerSecond - timedRate, opts.eventsPerSecond / 4);
  let timer: NodeJS.Timeout | null = null;
  let frames = 0;

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
      let last = clock();
      let budget = 0;
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
      const tick = () => {
        const now = clock();
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
      timer = setInterval(tick, tickMs);
      timer.unref();
    },
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
