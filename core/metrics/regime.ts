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

/** What the regime reads besides the timeframe's figures: the latest levels. */
export interface RegimeLevels {
  lsTopAccounts: number;
  imbalancePct: number;
}

/** The regime under the configured model. */
export function regimeOf(
  r: MetricsConfig['regime'],
  tf: TimeframeFigures,
  composite: number,
  levels: RegimeLevels,
): Regime {
  return r.model === 'confluence' ? confluenceRegime(r, tf, levels) : oiPriceRegime(r, tf, composite);
}

/**
 * Open interest building behind a price move is expansion; building in a range is accumulation
 * when positioning leans long (composite ≥ 0) and distribution when it leans short; a move
 * carried by positions closing (OI falling) is exhaustion; anything else is neutral.
 */
function oiPriceRegime(r: MetricsConfig['regime'], tf: TimeframeFigures, composite: number): Regime {
  const oi = tf.oi_chg_pct;
  const px = tf.price_chg_pct;
  if (oi === null || px === null) return 'neutral';
  const moving = Math.abs(px) >= r.priceChgPct;
  if (oi >= r.oiChgPct) return moving ? 'expansion' : composite < 0 ? 'distribution' : 'accumulation';
  if (oi <= -r.oiChgPct && moving) return 'exhaustion';
  return 'neutral';
}

const clamp = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);
const up = (x: number): number => (x > 0 ? x : 0);
const down = (x: number): number => (x < 0 ? -x : 0);
/** An unknown signal leans nowhere. */
const known = (x: number): number => (x === x ? x : 0);

/**
 * The seed's confluence of signal families, each signal scaled to [−1, 1]: price Δ and OI Δ
 * over the timeframe in units of its realized volatility (our ATR: the recording has no OHLC
 * ranges), top-account long/short as (ls − 1)/(ls + 1)·3 (saturating at 2 and ½, the tier-2
 * levels), order-book imbalance as a fraction, takers as (buy − sell)/(buy + sell) notional.
 * With in-range = 1 − |price|:
 *   accumulation = (OI↑·in-range + L/S↑ + book↑) / 3         positions building in a range, leaning long
 *   distribution = (OI↓·in-range + L/S↓ + book↓) / 3         positions leaving in a range, leaning short
 *   momentum     = (price↑ + takers↑ + OI↑·price↑) / 3        a rise bought with new positions
 *   exhaustion   = (price↓ + takers↓ + OI↓·|price|) / 3       a fall sold, or any move carried by positions closing
 *   confluence   = (accumulation + momentum)/2 − (distribution + exhaustion)/2
 * Returns NaN when price Δ, OI Δ or the volatility is unknown (or zero: nothing moved).
 */
export function confluenceOf(tf: TimeframeFigures, levels: RegimeLevels): number {
  const vol = tf.rvol;
  if (tf.price_chg_pct === null || tf.oi_chg_pct === null || vol === null || !(vol > 0)) return NaN;
  const px = clamp(tf.price_chg_pct / vol);
  const oi = clamp(tf.oi_chg_pct / vol);
  const ls = levels.lsTopAccounts;
  const lsLean = known(clamp(((ls - 1) / (ls + 1)) * 3));
  const book = known(clamp(levels.imbalancePct / 100));
  // CVD over quote volume is (buy − sell)/(buy + sell), known with buyers only (the ratio is not).
  const takers = tf.quote_volume > 0 ? tf.cvd / tf.quote_volume : 0;
  const inRange = 1 - Math.abs(px);
  const accumulation = (up(oi) * inRange + up(lsLean) + up(book)) / 3;
  const distribution = (down(oi) * inRange + down(lsLean) + down(book)) / 3;
  const momentum = (up(px) + up(takers) + up(oi) * up(px)) / 3;
  const exhaustion = (down(px) + down(takers) + down(oi) * Math.abs(px)) / 3;
  return (accumulation + momentum) / 2 - (distribution + exhaustion) / 2;
}

/**
 * Bullish confluence is expansion when volatile (realized volatility ≥ `volatility`, as a
 * fraction) and accumulation when calm; bearish is exhaustion when volatile and distribution
 * when calm; within ±`confluence` (or unknown) neutral.
 */
function confluenceRegime(r: MetricsConfig['regime'], tf: TimeframeFigures, levels: RegimeLevels): Regime {
  const c = confluenceOf(tf, levels);
  if (!(Math.abs(c) >= r.confluence) || c === 0) return 'neutral';
  const volatile = (tf.rvol ?? 0) / 100 >= r.volatility;
  if (c > 0) return volatile ? 'expansion' : 'accumulation';
  return volatile ? 'exhaustion' : 'distribution';
}
