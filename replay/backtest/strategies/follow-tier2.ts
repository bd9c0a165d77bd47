/**
 * Follow tier-2 (confluence) alerts — or another tier's, e.g. the seed preset's tier-6 clusters
 * (`--param tier=6`): go long on an `up` alert, short on a `down` one, and hold for `hold`. A new
 * alert in the same direction extends the hold; one in the other direction reverses the position.
 */
import { instrumentKey } from '../market-state.ts';
import type { InstrumentRef, StrategyDefinition } from '../types.ts';
import { close, open } from './helpers.ts';

export const followTier2: StrategyDefinition = {
  name: 'follow-tier2',
  description: 'trade in the direction of tier-2 confluence alerts from the metrics engine; hold for a fixed time',
  usesMetrics: true,
  params: [
    {
      name: 'tier',
      kind: 'integer',
      default: 2,
      min: 1,
      max: 6,
      description: 'the alert tier to follow (6: clusters)',
    },
    { name: 'hold', kind: 'duration', default: '15m', description: 'how long to hold after the latest alert' },
    { name: 'notional', kind: 'number', default: 1000, min: 0.01, description: 'position size in USDT' },
  ],
  create(params) {
    const hold = params.hold as number;
    const notional = params.notional as number;
    const tier = params.tier as number;
    const holding = new Map<string, InstrumentRef & { until: number }>();
    return {
      onAlert(alert, ctx) {
        if (alert.tier !== tier) return;
        const ref = { exchange: alert.exchange, market: alert.market };
        const dir = alert.direction === 'up' ? 1 : -1;
        const qty = ctx.position(ref).qty;
        if (qty * dir < 0) close(ctx, ref, `tier${tier} ${alert.direction} reversal`);
        if (qty * dir <= 0 && !open(ctx, ref, dir, notional, `tier${tier} ${alert.rule} ${alert.direction}`)?.ok)
          return;
        holding.set(instrumentKey(ref), { ...ref, until: ctx.now() + hold });
      },
      onEvent(_e, ctx) {
        for (const [key, h] of holding)
          if (ctx.now() >= h.until) {
            close(ctx, h, 'hold over');
            holding.delete(key);
          }
      },
    };
  },
};
