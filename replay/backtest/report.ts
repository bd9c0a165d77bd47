/**
 * The backtest report: one plain JSON-able object that the JSON, CSV and Markdown writers, the
 * sweep table and the browser all read. Every ratio states its interval: Sharpe and Sortino are
 * per `return_interval` and never annualised; total return is over the session and is
 * annualised only for sessions of at least ANNUALISE_MIN_MS (a few hours say nothing about a year).
 */
import type { SimAccount } from './account.ts';
import { describeDuration, formatDuration } from './duration.ts';
import type { EquityPoint } from './equity-curve.ts';
import type { Params } from './params.ts';
import { maxDrawdown, periodReturns, sharpe, sortino, tradeStats } from './stats.ts';
import type { Fill, FundingPayment, RejectReason, TradeRecord } from './types.ts';

export const REPORT_FORMAT = 'futuresboard-backtest/1';
export const ANNUALISE_MIN_MS = 30 * 86_400_000;
const YEAR_MS = 365 * 86_400_000;

export interface BacktestReport {
  format: typeof REPORT_FORMAT;
  strategy: string;
  /** Every parameter as resolved (strategy and account; durations in ms). */
  params: Params;
  session: { from_ts: number | null; to_ts: number | null; duration_ms: number; events: number };
  initial_balance: number;
  final_equity: number;
  net_pnl: number;
  /** Over the whole session. */
  total_return: number;
  total_return_interval: string;
  total_return_annualised: number | null;
  /** Why total_return_annualised is null, or how it was computed. */
  annualised_note: string;
  /** Interval of the returns behind Sharpe and Sortino, e.g. `1m`. */
  return_interval: string;
  return_periods: number;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown: number;
  max_drawdown_peak_ts: number | null;
  max_drawdown_trough_ts: number | null;
  max_drawdown_duration_ms: number;
  max_drawdown_recovered: boolean;
  win_rate: number | null;
  profit_factor: number | null;
  expectancy: number | null;
  /** Fraction of the session with any position open. */
  exposure: number;
  /** Closed round trips. */
  trades: number;
  fees_paid: number;
  funding_paid: number;
  funding_received: number;
  orders: { placed: number; filled: number; cancelled: number; rejected: Record<RejectReason, number> };
  equity_curve: EquityPoint[];
  trade_list: TradeRecord[];
  fill_list: Fill[];
  funding_list: FundingPayment[];
}

export interface ReportInput {
  strategy: string;
  params: Params;
  account: SimAccount;
  curve: readonly EquityPoint[];
  intervalMs: number;
  events: number;
  fromTs: number | null;
  toTs: number | null;
}

export function buildReport(input: ReportInput): BacktestReport {
  const { account } = input;
  const duration = input.fromTs === null || input.toTs === null ? 0 : input.toTs - input.fromTs;
  const initial = account.config.balance;
  const final = account.equity();
  const totalReturn = final / initial - 1;
  const long = duration >= ANNUALISE_MIN_MS;
  const returns = periodReturns(input.curve);
  const dd = maxDrawdown(input.curve);
  const totals = account.getTotals();
  const closed = account.trades.closed;
  return {
    format: REPORT_FORMAT,
    strategy: input.strategy,
    params: input.params,
    session: { from_ts: input.fromTs, to_ts: input.toTs, duration_ms: duration, events: input.events },
    initial_balance: initial,
    final_equity: final,
    net_pnl: final - initial,
    total_return: totalReturn,
    total_return_interval: `session (${describeDuration(duration)})`,
    total_return_annualised: long ? (1 + totalReturn) ** (YEAR_MS / duration) - 1 : null,
    annualised_note: long
      ? 'compounded from the session return over a 365-day year'
      : `not annualised: the session is shorter than ${formatDuration(ANNUALISE_MIN_MS)}`,
    return_interval: formatDuration(input.intervalMs),
    return_periods: returns.length,
    sharpe: sharpe(returns),
    sortino: sortino(returns),
    max_drawdown: dd.value,
    max_drawdown_peak_ts: dd.peak_ts,
    max_drawdown_trough_ts: dd.trough_ts,
    max_drawdown_duration_ms: dd.duration_ms,
    max_drawdown_recovered: dd.recovered,
    ...tradeStats(closed),
    exposure: duration > 0 ? account.exposureMs(input.toTs ?? 0) / duration : 0,
    trades: closed.length,
    fees_paid: totals.fees_paid,
    funding_paid: totals.funding_paid,
    funding_received: totals.funding_received,
    orders: {
      placed: account.ordersPlaced,
      filled: account.fills.length,
      cancelled: account.ordersCancelled,
      rejected: { ...account.rejected },
    },
    equity_curve: [...input.curve],
    // In the order the trades were opened (they close in another order when markets overlap).
    trade_list: [...closed].sort((a, b) => a.id - b.id),
    fill_list: [...account.fills],
    funding_list: [...account.funding],
  };
}
