/**
 * Funding carry: shortly before a funding time, take the side that receives funding when the
 * announced rate is large enough (positive rate: longs pay, so go short; negative: go long),
 * hold through the funding time, then close. Profitable when the funding collected exceeds the
 * fees and the price moves against the position while it is held.
 */
import type { InstrumentRef, StrategyDefinition } from '../types.ts';
import { instrumentKey } from '../market-state.ts';
import { close, open } from './helpers.ts';

export const fundingCarry: StrategyDefinition = {
  name: 'funding-carry',
  description: 'before each funding time, take the receiving side when |rate| >= min_rate; close after the payment',
  params: [
    {
      name: 'min_rate',
      kind: 'number',
      default: 0.0001,
      min: 0,
      description: 'smallest |funding rate| (fraction; 0.0001 = 0.01 %) worth carrying',
    },
    {
      name: 'enter_before',
      kind: 'duration',
      default: '15m',
      description: 'enter at most this long before the funding time',
    },
    { name: 'notional', kind: 'number', default: 1000, min: 0.01, description: 'position size in USDT' },
  ],
  usesMetrics: false,
  create(params) {
    const minRate = params.min_rate as number;
    const enterBefore = params.enter_before as number;
    const notional = params.notional as number;
    /** Funding time each carried position waits for, by instrument. */
    const holding = new Map<string, InstrumentRef & { until: number }>();
    return {
      onEvent(e, ctx) {
        // The account settles funding before the strategy sees the first event at or after its time.
        for (const [key, h] of holding)
          if (ctx.now() >= h.until) {
            close(ctx, h, 'funding-carry exit');
            holding.delete(key);
          }
        if (e.kind !== 'derivative_ticker' || e.funding_rate === null || e.next_funding_ts === null) return;
        const key = instrumentKey(e);
        const rate = Number(e.funding_rate);
        const until = e.next_funding_ts;
        if (holding.has(key) || Math.abs(rate) < minRate || until <= ctx.now() || until - ctx.now() > enterBefore)
          return;
        const r = open(ctx, e, rate > 0 ? -1 : 1, notional, `funding ${e.funding_rate}`);
        if (r?.ok) holding.set(key, { exchange: e.exchange, market: e.market, until });
      },
    };
  },
};
