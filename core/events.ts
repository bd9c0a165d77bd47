/**
 * Normalized market events: the one stream that the collector records, the relay sends,
 * and replay/backtest read back. Isomorphic: no Node or DOM imports.
 *
 * Decimal values (prices, quantities, rates) are the exchange's own decimal text, kept as
 * strings so that what is stored is exactly what was sent (no float drift). Quantities are in
 * base units (OKX contract sizes are multiplied by ctVal with exact decimal arithmetic).
 * Times are integer epoch milliseconds: `ts` is the exchange's time, `local_ts` the receipt time.
 */

export const EXCHANGES = ['binance-usdm', 'bybit-linear', 'okx-swap'] as const;
export type ExchangeId = (typeof EXCHANGES)[number];

/** Decimal number as text, e.g. "65114.30". */
export type Dec = string;

export type Side = 'buy' | 'sell';

export interface EventBase {
  exchange: ExchangeId;
  /** Native symbol as the exchange spells it: BTCUSDT, BTC-USDT-SWAP. */
  symbol: string;
  /** Unified market in ccxt form: BTC/USDT:USDT. */
  market: string;
  /** Exchange time, epoch ms. */
  ts: number;
  /** Receipt time, epoch ms. */
  local_ts: number;
}

/** A trade; `side` is the taker (aggressor) side. */
export interface TradeEvent extends EventBase {
  kind: 'trade';
  id: string | null;
  price: Dec;
  qty: Dec;
  side: Side;
}

/** Best bid and ask. */
export interface BookTickerEvent extends EventBase {
  kind: 'book_ticker';
  bid_price: Dec;
  bid_qty: Dec;
  ask_price: Dec;
  ask_qty: Dec;
}

/** Top-N levels of the book, best first; [price, qty] pairs in base units. */
export interface BookTopEvent extends EventBase {
  kind: 'book_top';
  bids: [Dec, Dec][];
  asks: [Dec, Dec][];
}

/**
 * Derivative ticker state. Fields an exchange did not send in this update carry the last
 * known value for that symbol (merged state), or null when never seen.
 */
export interface DerivativeTickerEvent extends EventBase {
  kind: 'derivative_ticker';
  mark_price: Dec | null;
  index_price: Dec | null;
  last_price: Dec | null;
  /** Funding rate for the coming funding time, as a fraction (0.0001 = 0.01 %). */
  funding_rate: Dec | null;
  predicted_rate: Dec | null;
  next_funding_ts: number | null;
  /** Open interest in base units. */
  open_interest: Dec | null;
}

/**
 * A liquidation. `side` is the side of the liquidation order: `sell` means a long position was
 * liquidated, `buy` a short (Binance `o.S` as is; Bybit `S` is the position side and is inverted).
 */
export interface LiquidationEvent extends EventBase {
  kind: 'liquidation';
  id: string | null;
  price: Dec;
  qty: Dec;
  side: Side;
}

/** Open interest in base units; `value` in quote currency when the exchange sends it. */
export interface OpenInterestEvent extends EventBase {
  kind: 'open_interest';
  open_interest: Dec;
  value: Dec | null;
}

export type LongShortType = 'global_accounts' | 'top_accounts' | 'top_positions' | 'taker_volume';

/**
 * Long/short ratios. For the account and position types `long`/`short` are fractions that sum
 * to 1; for `taker_volume` they are taker buy and sell volumes in base units and `ratio` is buy/sell.
 */
export interface LongShortEvent extends EventBase {
  kind: 'long_short';
  ratio_type: LongShortType;
  /** The exchange's aggregation period, e.g. "5m". */
  period: string;
  ratio: Dec;
  long: Dec | null;
  short: Dec | null;
}

export type GapCause = 'disconnect' | 'stale' | 'sequence' | 'rollover' | 'restart' | 'error';

/**
 * An interval of lost data. Emitted at recovery (the first data after the loss), so that it is
 * written in the same transaction as that first row. `symbol` is '' when a whole connection
 * was lost. `ts` and `local_ts` equal `end_ts`.
 */
export interface GapEvent extends EventBase {
  kind: 'gap';
  stream: string;
  start_ts: number;
  end_ts: number;
  seq_before: string | null;
  seq_after: string | null;
  cause: GapCause;
}

export type MarketEvent =
  | TradeEvent
  | BookTickerEvent
  | BookTopEvent
  | DerivativeTickerEvent
  | LiquidationEvent
  | OpenInterestEvent
  | LongShortEvent
  | GapEvent;

export type EventKind = MarketEvent['kind'];

export const EVENT_KINDS: readonly EventKind[] = [
  'trade',
  'book_ticker',
  'book_top',
  'derivative_ticker',
  'liquidation',
  'open_interest',
  'long_short',
  'gap',
];

/** A recorded event: `seq` is the writer's global order (receipt order), unique per database. */
export type RecordedEvent = MarketEvent & { seq: number };

/** Callback that receives normalized events. */
export type EventSink = (event: MarketEvent) => void;

/**
 * A gap event closing at `end_ts` (its `ts` and `local_ts`). `symbol`/`market` default to ''
 * (a whole connection), sequence numbers to null.
 */
export function gapEvent(g: {
  exchange: ExchangeId;
  stream: string;
  start_ts: number;
  end_ts: number;
  cause: GapCause;
  symbol?: string;
  market?: string;
  seq_before?: number | string | null;
  seq_after?: number | string | null;
}): GapEvent {
  return {
    kind: 'gap',
    exchange: g.exchange,
    symbol: g.symbol ?? '',
    market: g.market ?? '',
    ts: g.end_ts,
    local_ts: g.end_ts,
    stream: g.stream,
    start_ts: g.start_ts,
    end_ts: g.end_ts,
    seq_before: g.seq_before == null ? null : String(g.seq_before),
    seq_after: g.seq_after == null ? null : String(g.seq_after),
    cause: g.cause,
  };
}
