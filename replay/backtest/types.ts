/**
 * The strategy API and the records a backtest produces. Prices and quantities here are JS
 * numbers: a backtest is an analysis of recorded decimals, not a ledger, and the same inputs
 * give bit-identical outputs in Node and in the browser.
 */
import type { ExchangeId, RecordedEvent, Side } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import type { MetricsConfig } from '../../core/metrics/config.ts';
import type { AlertRecord, MetricRow } from '../../core/metrics/types.ts';
import type { ParamSpec, Params } from './params.ts';

/** One instrument: a unified market on one exchange. */
export interface InstrumentRef {
  exchange: ExchangeId;
  market: string;
}

export interface MarketOrderRequest extends InstrumentRef {
  side: Side;
  /** Base units, > 0. */
  qty: number;
  /** Free text carried to the fill and the trade list (e.g. the signal that caused it). */
  tag?: string;
}

export interface LimitOrderRequest extends MarketOrderRequest {
  price: number;
}

export type RejectReason = 'no_quote' | 'leverage' | 'position_limit' | 'bad_order';

export type OrderResult =
  | { ok: true; id: number; status: 'filled'; fill: Fill }
  | { ok: true; id: number; status: 'open' }
  | { ok: false; reason: RejectReason; message: string };

export interface Fill {
  order_id: number;
  /** seq and receipt time of the event at which the order filled. */
  seq: number;
  ts: number;
  exchange: ExchangeId;
  market: string;
  side: Side;
  qty: number;
  price: number;
  liquidity: 'maker' | 'taker';
  fee: number;
  /** PnL realised by the part of this fill that reduced a position (before fees). */
  realized_pnl: number;
  tag: string;
}

export interface OpenOrder extends InstrumentRef {
  id: number;
  side: Side;
  qty: number;
  price: number;
  placed_ts: number;
  placed_seq: number;
  tag: string;
}

export interface PositionView {
  /** Signed base quantity: > 0 long, < 0 short. */
  qty: number;
  /** Average entry price, 0 when flat. */
  entry_price: number;
  unrealized_pnl: number;
}

/** A funding settlement; `amount` > 0 was received, < 0 was paid. */
export interface FundingPayment extends InstrumentRef {
  /** The funding time. */
  ts: number;
  rate: number;
  mark_price: number;
  position_qty: number;
  amount: number;
}

/** A round trip: from flat to flat (a flip closes one trade and opens the next). */
export interface TradeRecord extends InstrumentRef {
  id: number;
  direction: 'long' | 'short';
  open_ts: number;
  close_ts: number;
  /** Largest absolute position held during the trade, base units. */
  qty: number;
  entry_price: number;
  exit_price: number;
  gross_pnl: number;
  fees: number;
  funding: number;
  net_pnl: number;
  tag: string;
}

export interface AccountTotals {
  realized_pnl: number;
  fees_paid: number;
  funding_paid: number;
  funding_received: number;
  closed_trades: number;
}

/** What a strategy can see and do. It sees only the present: nothing after the current event. */
export interface StrategyContext {
  /** Receipt time of the event being processed. */
  now(): number;
  marketOrder(order: MarketOrderRequest): OrderResult;
  /** Rests until a later trade trades through the price; fills at once (as taker) if marketable. */
  limitOrder(order: LimitOrderRequest): OrderResult;
  cancel(orderId: number): boolean;
  openOrders(): readonly OpenOrder[];
  position(ref: InstrumentRef): PositionView;
  /** Cash: starting balance + realised PnL − fees ± funding. */
  balance(): number;
  /** Balance plus unrealised PnL at the mid price. */
  equity(): number;
  quote(ref: InstrumentRef): { bid: number; ask: number } | null;
  totals(): AccountTotals;
  logger: Logger;
}

export interface Strategy {
  /** Every event at its receipt time, after fills and funding due at that time were applied. */
  onEvent?(e: RecordedEvent, ctx: StrategyContext): void;
  /** A resting limit order filled (market orders return their fill directly). */
  onFill?(fill: Fill, ctx: StrategyContext): void;
  /** A metric row of a bucket that closed at this event (only when the definition uses metrics). */
  onMetric?(row: MetricRow, ctx: StrategyContext): void;
  /** An alert fired at this event (only when the definition uses metrics). */
  onAlert?(alert: AlertRecord, ctx: StrategyContext): void;
}

export interface StrategyDefinition {
  name: string;
  description: string;
  params: readonly ParamSpec[];
  /**
   * Run the metrics engine (core/metrics) beside the strategy and deliver its rows and
   * alerts, computed from the same events at the same moments as live.
   */
  usesMetrics: boolean;
  /** Throws E_BACKTEST_PARAM for parameter values that cannot work together. */
  create(params: Params, deps: { logger: Logger; metricsConfig: MetricsConfig }): Strategy;
}
