/**
 * Where frames come from (the synthetic market or a recorded capture) and where they go (the
 * subscription hub). Connections only talk to these two interfaces.
 */
import type { ExchangeId } from '../core/events.ts';
import type { RestData } from './rest-data.ts';

export interface FrameSink {
  /** Whether any connection is subscribed to `key` (sources skip building frames otherwise). */
  wants(exchange: ExchangeId, key: string): boolean;
  /** Whether every subscriber of `key` has already received a frame on it (skip-seq targets only those). */
  seasoned(exchange: ExchangeId, key: string): boolean;
  /**
   * Deliver one frame to the key's subscribers (Binance: the raw payload). A snapshot frame
   * also releases subscribers that wait for one before they may see deltas.
   */
  publish(exchange: ExchangeId, key: string, text: string, snapshot?: boolean): void;
}

export interface SubscribeStart {
  /** Frame sent to the new subscriber right after the ack (Bybit snapshot, OKX initial push). */
  initial: string | null;
  /** Hold deltas back from this subscriber until the next snapshot frame (capture replay). */
  awaitSnapshot: boolean;
}

export interface FrameSource {
  readonly kind: 'synthetic' | 'capture';
  readonly rest: RestData;
  /** Whether the source serves this key (Bybit and OKX reject unknown topics; Binance does not ask). */
  has(exchange: ExchangeId, key: string): boolean;
  onSubscribe(exchange: ExchangeId, key: string, now: number): SubscribeStart;
  /** Make the next `count` sequenced frames (to subscribed keys) skip one sequence number. */
  armSkip(exchange: ExchangeId, count: number): void;
  start(sink: FrameSink): void;
  stop(): void;
  /** Counters and settings for GET /_sim/state. */
  describe(): Record<string, unknown>;
}
