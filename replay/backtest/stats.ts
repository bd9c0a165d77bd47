/**
 * Performance statistics over an equity curve and a trade list. Pure functions; a statistic
 * that is undefined for the data (Sharpe of fewer than two returns, profit factor without a
 * losing trade) is null rather than a made-up number.
 */
import type { EquityPoint } from './equity-curve.ts';
import type { TradeRecord } from './types.ts';

/** Simple returns between consecutive equity points. */
export function periodReturns(points: readonly EquityPoint[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < points.length; i++)
    if (points[i - 1].equity > 0) out.push(points[i].equity / points[i - 1].equity - 1);
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean return over its sample standard deviation, per return interval (not annualised). */
export function sharpe(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - m) ** 2, 0) / (returns.length - 1));
  return sd > 0 ? m / sd : null;
}

/** Mean return over the downside deviation (below 0, over all periods), per return interval. */
export function sortino(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / returns.length);
  return downside > 0 ? mean(returns) / downside : null;
}

export interface Drawdown {
  /** Deepest fall from a running peak, as a fraction of the peak (0.1 = 10 %). */
  value: number;
  peak_ts: number | null;
  trough_ts: number | null;
  /** From the peak until equity regained it, or until the end when it never did. */
  duration_ms: number;
  recovered: boolean;
}

export function maxDrawdown(points: readonly EquityPoint[]): Drawdown {
  const worst: Drawdown = { value: 0, peak_ts: null, trough_ts: null, duration_ms: 0, recovered: true };
  if (!points.length) return worst;
  let peak = points[0];
  let worstPeak: EquityPoint | null = null;
  for (const p of points) {
    if (p.equity >= peak.equity) {
      if (worstPeak === peak && worst.recovered === false) {
        worst.recovered = true;
        worst.duration_ms = p.ts - peak.ts;
      }
      peak = p;
      continue;
    }
    const dd = peak.equity > 0 ? 1 - p.equity / peak.equity : 0;
    if (dd > worst.value) {
      worstPeak = peak;
      Object.assign(worst, { value: dd, peak_ts: peak.ts, trough_ts: p.ts, recovered: false });
    }
  }
  if (!worst.recovered) worst.duration_ms = points[points.length - 1].ts - (worst.peak_ts ?? 0);
  return worst;
}

export interface TradeStats {
  win_rate: number | null;
  /** Gross profit over gross loss of closed trades; null when there was no losing trade. */
  profit_factor: number | null;
  /** Mean net PnL per closed trade. */
  expectancy: number | null;
}

export function tradeStats(trades: readonly TradeRecord[]): TradeStats {
  if (!trades.length) return { win_rate: null, profit_factor: null, expectancy: null };
  let wins = 0;
  let profit = 0;
  let loss = 0;
  for (const t of trades) {
    if (t.net_pnl > 0) {
      wins++;
      profit += t.net_pnl;
    } else loss -= t.net_pnl;
  }
  return {
    win_rate: wins / trades.length,
    profit_factor: loss > 0 ? profit / loss : null,
    expectancy: (profit - loss) / trades.length,
  };
}
