/** Small order helpers shared by the built-in strategies. */
import type { InstrumentRef, OrderResult, StrategyContext } from '../types.ts';

/** Base quantity worth `notional` at the current mid, or null without a quote. */
function qtyFor(ctx: StrategyContext, ref: InstrumentRef, notional: number): number | null {
  const q = ctx.quote(ref);
  return q ? notional / ((q.bid + q.ask) / 2) : null;
}

/** Open a position of `notional` in `direction` with a market order; null without a quote. */
export function open(
  ctx: StrategyContext,
  ref: InstrumentRef,
  direction: 1 | -1,
  notional: number,
  tag: string,
): OrderResult | null {
  const qty = qtyFor(ctx, ref, notional);
  return qty === null ? null : ctx.marketOrder({ ...ref, side: direction > 0 ? 'buy' : 'sell', qty, tag });
}

/** Flatten the position in `ref` with a market order; null when already flat. */
export function close(ctx: StrategyContext, ref: InstrumentRef, tag: string): OrderResult | null {
  const { qty } = ctx.position(ref);
  return qty === 0 ? null : ctx.marketOrder({ ...ref, side: qty > 0 ? 'sell' : 'buy', qty: Math.abs(qty), tag });
}
