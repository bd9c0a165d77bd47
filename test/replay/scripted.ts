/**
 * Hand-made event streams and a scripted strategy for the backtest tests: each test states the
 * market and what the strategy does at which event, and checks the numbers by hand.
 */
import { createBacktest } from '../../replay/backtest/engine.ts';
import type { ParamValue } from '../../replay/backtest/params.ts';
import type { Fill, StrategyContext, StrategyDefinition } from '../../replay/backtest/types.ts';
import type { ExchangeId, RecordedEvent } from '../../core/events.ts';

export const T0 = Date.UTC(2025, 5, 13, 7, 0);
const SYMBOL: Record<ExchangeId, string> = {
  'binance-usdm': 'BTCUSDT',
  'bybit-linear': 'BTCUSDT',
  'okx-swap': 'BTC-USDT-SWAP',
};

/** Builds a stream: every call appends one event `dt` ms after the previous one. */
export class Tape {
  readonly events: RecordedEvent[] = [];
  private t = T0;
  constructor(
    readonly exchange: ExchangeId = 'binance-usdm',
    readonly market = 'BTC/USDT:USDT',
  ) {}

  private base(dt: number) {
    this.t += dt;
    return {
      seq: this.events.length + 1,
      exchange: this.exchange,
      symbol: SYMBOL[this.exchange],
      market: this.market,
      ts: this.t,
      local_ts: this.t,
    };
  }

  quote(bid: string, ask: string, dt = 1000): number {
    this.events.push({
      kind: 'book_ticker',
      ...this.base(dt),
      bid_price: bid,
      bid_qty: '5',
      ask_price: ask,
      ask_qty: '5',
    });
    return this.events.length;
  }

  trade(price: string, side: 'buy' | 'sell' = 'buy', dt = 1000): number {
    this.events.push({ kind: 'trade', ...this.base(dt), id: null, price, qty: '0.1', side });
    return this.events.length;
  }

  ticker(mark: string, rate: string, nextFundingTs: number, dt = 1000): number {
    this.events.push({
      kind: 'derivative_ticker',
      ...this.base(dt),
      mark_price: mark,
      index_price: mark,
      last_price: mark,
      funding_rate: rate,
      predicted_rate: null,
      next_funding_ts: nextFundingTs,
      open_interest: '1000',
    });
    return this.events.length;
  }

  /** Receipt time of the last event. */
  get now(): number {
    return this.t;
  }
}

export type Script = Record<number, (ctx: StrategyContext) => void>;

/** A strategy that runs `script[seq]` at event `seq` and records limit-order fills. */
export function scripted(script: Script, fills: Fill[] = []): StrategyDefinition {
  return {
    name: 'scripted',
    description: 'test script',
    params: [],
    usesMetrics: false,
    create: () => ({
      onEvent: (e, ctx) => script[e.seq]?.(ctx),
      onFill: (f) => void fills.push(f),
    }),
  };
}

/** Run a script over a tape; close_at_end is off unless given, so positions stay as the script left them. */
export function runScript(tape: Tape, script: Script, params: Record<string, ParamValue> = {}) {
  const limitFills: Fill[] = [];
  const bt = createBacktest({ strategy: scripted(script, limitFills), params: { close_at_end: false, ...params } });
  for (const e of tape.events) bt.onEvent(e);
  return { report: bt.finish(), limitFills };
}
