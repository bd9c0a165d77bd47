/**
 * A synthetic channel: one generator of frames for one exchange, publishing on one or more
 * subscription keys (Binance stream names, Bybit topics, OKX `channel:instId`). The live feed
 * drives channels from timers; a benchmark drives them directly.
 */
import type { ExchangeId } from '../../core/events.ts';

/** Publish one frame (Binance: the raw payload, without the combined-stream envelope). */
export type Emit = (key: string, text: string) => void;

export interface EmitContext {
  now: number;
  out: Emit;
  /** Whether anyone wants frames on this key; builders skip the text work otherwise. */
  wanted: (key: string) => boolean;
  /** Produce a frame even when nothing happened (benchmarks asking for liquidation frames). */
  force: boolean;
  /** Whether this frame on `key` must skip a sequence number (consumes an armed skip-seq fault). */
  skip: (key: string) => boolean;
}

export type Cadence =
  /** Timer-driven, e.g. markPrice@1s, depth5@100ms. */
  | { everyMs: number }
  /** Share of the events/s budget, e.g. trades and book tickers. */
  | { weight: number };

export interface ChannelKey {
  key: string;
  /** Stream kind, the unit a benchmark asks for: aggTrade, depth5@100ms, orderbook.50, books5. */
  stream: string;
  /** Native symbol the key is about; absent for all-market keys (!markPrice@arr, liquidation-orders). */
  symbol?: string;
}

export interface SimChannel {
  exchange: ExchangeId;
  keys: ChannelKey[];
  cadence: Cadence;
  emit(ctx: EmitContext): void;
  /** Frame sent to a new subscriber of `key` right after the ack (snapshot/initial push). */
  snapshot?(key: string, now: number): string | null;
}
