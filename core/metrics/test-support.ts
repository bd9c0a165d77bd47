/**
 * Helpers for the metrics tests: a script that builds recorded events with increasing `seq`
 * (the way the writer numbers them) and a runner that collects everything an engine produces.
 */
import type { ExchangeId, GapCause, RecordedEvent, Side } from '../events.ts';
import { silentLogger } from '../log.ts';
import { resolveMetricsConfig } from './config.ts';
import { createMetricsEngine, type MetricsEngine } from './engine.ts';
import type { AlertRecord, EngineOutput, ForwardReturnUpdate, MetricRow } from './types.ts';

export interface Where {
  exchange?: ExchangeId;
  symbol?: string;
  market?: string;
}

const DEFAULT: Required<Where> = { exchange: 'binance-usdm', symbol: 'BTCUSDT', market: 'BTC/USDT:USDT' };

/** Events are added in any order and come out in receipt order, numbered 1.. as the writer would. */
export class Script {
  private readonly added: RecordedEvent[] = [];

  get events(): RecordedEvent[] {
    const sorted = [...this.added].sort((a, b) => a.local_ts - b.local_ts); // stable: ties keep call order
    return sorted.map((e, i) => ({ ...e, seq: i + 1 }));
  }

  private head(w: Where, t: number) {
    const { exchange, symbol, market } = { ...DEFAULT, ...w };
    return { exchange, symbol, market, ts: t, local_ts: t, seq: 0 };
  }

  trade(t: number, price: string, qty: string, side: Side, w: Where = {}): this {
    this.added.push({ kind: 'trade', ...this.head(w, t), id: null, price, qty, side });
    return this;
  }

  liquidation(t: number, price: string, qty: string, side: Side, w: Where = {}): this {
    this.added.push({ kind: 'liquidation', ...this.head(w, t), id: null, price, qty, side });
    return this;
  }

  book(t: number, bid: [string, string], ask: [string, string], w: Where = {}): this {
    this.added.push({
      kind: 'book_ticker',
      ...this.head(w, t),
      bid_price: bid[0],
      bid_qty: bid[1],
      ask_price: ask[0],
      ask_qty: ask[1],
    });
    return this;
  }

  ticker(t: number, fields: { mark?: string; index?: string; funding?: string; oi?: string }, w: Where = {}): this {
    this.added.push({
      kind: 'derivative_ticker',
      ...this.head(w, t),
      mark_price: fields.mark ?? null,
      index_price: fields.index ?? null,
      last_price: null,
      funding_rate: fields.funding ?? null,
      predicted_rate: null,
      next_funding_ts: null,
      open_interest: fields.oi ?? null,
    });
    return this;
  }

  openInterest(t: number, oi: string, w: Where = {}): this {
    this.added.push({ kind: 'open_interest', ...this.head(w, t), open_interest: oi, value: null });
    return this;
  }

  longShort(t: number, ratio: string, w: Where = {}): this {
    this.added.push({
      kind: 'long_short',
      ...this.head(w, t),
      ratio_type: 'global_accounts',
      period: '5m',
      ratio,
      long: null,
      short: null,
    });
    return this;
  }

  gap(t: number, start: number, cause: GapCause = 'disconnect', w: Where = {}): this {
    const h = this.head(w, t);
    this.added.push({
      kind: 'gap',
      ...h,
      stream: 'market',
      start_ts: start,
      end_ts: t,
      seq_before: null,
      seq_after: null,
      cause,
    });
    return this;
  }
}

export interface Collected {
  rows: MetricRow[];
  alerts: AlertRecord[];
  forward: ForwardReturnUpdate[];
  outputs: EngineOutput[];
}

export function collect(engine: MetricsEngine, events: Iterable<RecordedEvent>): Collected {
  const c: Collected = { rows: [], alerts: [], forward: [], outputs: [] };
  for (const e of events) {
    const out = engine.onEvent(e);
    if (!out) continue;
    c.outputs.push(out);
    c.rows.push(...out.metrics);
    c.alerts.push(...out.alerts);
    c.forward.push(...out.forwardReturns);
  }
  return c;
}

/** A fresh engine over `events` with `overrides` on the defaults. */
export function runEngine(overrides: unknown, events: Iterable<RecordedEvent>): Collected {
  return collect(createMetricsEngine(resolveMetricsConfig(overrides), { logger: silentLogger }), events);
}

/**
 * Small settings for alert tests: 1 s buckets, a 5 s timeframe, z over 20 buckets (at least 10),
 * 10 buckets of warm-up, 10 s cooldown, every built-in tier off (a test turns on what it checks).
 */
export const QUIET = {
  bucketMs: 1000,
  timeframes: [{ name: '5s', ms: 5000 }],
  rvolTimeframe: '5s',
  timeframeZSeries: [],
  regime: { timeframe: '5s' },
  zWindowBuckets: 20,
  zMinSamples: 10,
  warmupBuckets: 10,
  alerts: {
    cooldownMs: 10_000,
    tier1: { enabled: false, series: ['cvd'] },
    tier2: { enabled: false },
    tier3: { enabled: false, timeframe: '5s' },
    tier4: { enabled: false, timeframe: '5s' },
    tier5: { enabled: false, timeframe: '5s' },
  },
};
