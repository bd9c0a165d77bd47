/**
 * The composite score and the regime label of a bucket (definitions and thresholds:
 * docs/quant-blueprint.md, "Composite and regime").
 */
import { Z_SERIES, type MetricsConfig } from './config.ts';
import type { Regime, TimeframeFigures } from './types.ts';

/**
 * Weighted mean of the configured z-scores that are known this bucket (weights renormalised
 * over the available ones, so a market without long/short data still gets a score); NaN when
 * none is known.
 */
export function compositeScore(weights: MetricsConfig['composite']['weights'], z: Float64Array): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < Z_SERIES.length; i++) {
    const w = weights[Z_SERIES[i]];
    if (!w || z[i] !== z[i]) continue;
    sum += w * z[i];
    wsum += Math.abs(w);
  }
  return wsum > 0 ? sum / wsum : NaN;
}

/**
 * Open interest building behind a price move is expansion; building in a range is accumulation
 * when positioning leans long (composite ≥ 0) and distribution when it leans short; a move
 * carried by positions closing (OI falling) is exhaustion; anything else is neutral.
 */
export function regimeOf(r: MetricsConfig['regime'], tf: TimeframeFigures, composite: number): Regime {
  const oi = tf.oi_chg_pct;
  const px = tf.price_chg_pct;
  if (oi === null || px === null) return 'neutral';
  const moving = Math.abs(px) >= r.priceChgPct;
  if (oi >= r.oiChgPct) return moving ? 'expansion' : composite < 0 ? 'distribution' : 'accumulation';
  if (oi <= -r.oiChgPct && moving) return 'exhaustion';
  return 'neutral';
}
