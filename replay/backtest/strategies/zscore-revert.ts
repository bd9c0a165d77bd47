/**
 * Z-score mean reversion: fade price moves that are extreme for the market's own recent
 * history. The z-score is the metrics engine's (score, then update; gaps re-warm it), of the
 * price change over a timeframe (`bucket` = one bucket). Short when z >= entry_z, long when
 * z <= −entry_z; exit when z has come back inside ±exit_z, or after max_hold.
 */
import { instrumentKey } from '../market-state.ts';
import type { StrategyDefinition } from '../types.ts';
import { close, open } from './helpers.ts';
import { FbError } from '../../../core/errors.ts';

export const zscoreRevert: StrategyDefinition = {
  name: 'zscore-revert',
  description: 'fade extreme price-change z-scores (from the metrics engine); exit on reversion or after max_hold',
  usesMetrics: true,
  params: [
    {
      name: 'timeframe',
      kind: 'string',
      default: '1m',
      description: 'price change whose z-score is used: a metrics timeframe (1m, 5m, ...) or `bucket`',
    },
    { name: 'entry_z', kind: 'number', default: 2, min: 0.1, description: 'enter when |z| reaches this' },
    { name: 'exit_z', kind: 'number', default: 0.5, min: 0, description: 'exit when z is back within ±exit_z' },
    { name: 'max_hold', kind: 'duration', default: '30m', description: 'exit after holding this long in any case' },
    { name: 'notional', kind: 'number', default: 1000, min: 0.01, description: 'position size in USDT' },
  ],
  create(params, { metricsConfig }) {
    const timeframe = params.timeframe as string;
    const entryZ = params.entry_z as number;
    const exitZ = params.exit_z as number;
    const maxHold = params.max_hold as number;
    const notional = params.notional as number;
    const names = metricsConfig.timeframes.map((t) => t.name);
    if (timeframe !== 'bucket' && !names.includes(timeframe))
      throw new FbError(
        'E_BACKTEST_PARAM',
        `parameter timeframe must be bucket or one of the metrics timeframes ${names.join(', ')}; got ${JSON.stringify(timeframe)}`,
      );
    if (exitZ >= entryZ)
      throw new FbError('E_BACKTEST_PARAM', `parameter exit_z (${exitZ}) must be below entry_z (${entryZ})`);
    const openedAt = new Map<string, number>();
    return {
      onMetric(row, ctx) {
        if (row.warmup) return;
        const z = timeframe === 'bucket' ? row.z.price_chg_pct : row.timeframes[timeframe]?.z.price_chg_pct;
        if (z === null || z === undefined) return;
        const ref = { exchange: row.exchange, market: row.market };
        const key = instrumentKey(ref);
        const qty = ctx.position(ref).qty;
        if (qty === 0) {
          if (Math.abs(z) < entryZ) return;
          const r = open(ctx, ref, z > 0 ? -1 : 1, notional, `z ${z.toFixed(2)}`);
          if (r?.ok) openedAt.set(key, ctx.now());
          return;
        }
        const reverted = qty > 0 ? z >= -exitZ : z <= exitZ;
        const expired = ctx.now() - (openedAt.get(key) ?? ctx.now()) >= maxHold;
        if (reverted || expired) {
          close(ctx, ref, reverted ? 'reverted' : 'max_hold');
          openedAt.delete(key);
        }
      },
    };
  },
};
