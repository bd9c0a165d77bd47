/**
 * The synthetic exchange as a pure generator (no sockets, no timers): the shared model, the
 * per-exchange channels and REST data. The live feed drives it from timers; a benchmark calls
 * `nextFrames` to pre-generate wire frames.
 */
import type { ExchangeId } from '../../core/events.ts';
import { combinedFrame } from '../binance/streams.ts';
import type { RestData } from '../rest-data.ts';
import { binanceChannels } from './binance-frames.ts';
import { binanceRest } from './binance-rest.ts';
import { bybitChannels } from './bybit-frames.ts';
import { bybitRest } from './bybit-rest.ts';
import type { SimChannel } from './channel.ts';
import { DEFAULT_MARKETS, parseMarkets, type SimMarket } from './markets.ts';
import { SyntheticModel } from './model.ts';
import { okxChannels } from './okx-frames.ts';
import { okxRest } from './okx-rest.ts';

export interface SyntheticMarketOptions {
  /** Same seed and same times give the same frames. Default 1. */
  seed?: number;
  /** Base assets (`BTC`, `DOGE=0.15`); default BTC, ETH, SOL. */
  markets?: readonly string[];
  /** Model start time, epoch ms (default: now). */
  start?: number;
  /** Time between liquidation bursts, [min, max] ms (default 20–60 s). */
  liquidationEveryMs?: [number, number];
  /** REQUEST_WEIGHT limit that exchangeInfo advertises (default 2400). */
  binanceWeightLimit?: number;
}

export interface NextFramesOptions {
  /** Model time added per frame, ms (default 1). */
  stepMs?: number;
  /** Only this symbol (native spelling) instead of cycling over all markets. */
  symbol?: string;
}

export interface SyntheticMarket {
  readonly model: SyntheticModel;
  readonly markets: readonly SimMarket[];
  readonly channels: readonly SimChannel[];
  readonly rest: RestData;
  /** The channel publishing on `key`, if the synthetic exchange serves it. */
  channelFor(exchange: ExchangeId, key: string): SimChannel | undefined;
  /** Stream kinds served by an exchange (aggTrade, orderbook.50, books5, …). */
  streams(exchange: ExchangeId): string[];
  /** Frame a new subscriber of `key` gets right after the ack, if any. */
  snapshot(exchange: ExchangeId, key: string, now: number): string | null;
  /**
   * The next `n` wire frames of one stream kind (Binance in the combined-stream envelope),
   * as a subscriber of every matching key would receive them (snapshots first), advancing
   * model time by `stepMs` per frame.
   */
  nextFrames(exchange: ExchangeId, stream: string, n: number, opts?: NextFramesOptions): string[];
}

export function createSyntheticMarket(opts: SyntheticMarketOptions = {}): SyntheticMarket {
  const markets = parseMarkets(opts.markets ?? DEFAULT_MARKETS);
  const model = new SyntheticModel({
    seed: opts.seed ?? 1,
    markets,
    start: opts.start ?? Date.now(),
    liquidationEveryMs: opts.liquidationEveryMs,
  });
  const channels = [...binanceChannels(model), ...bybitChannels(model), ...okxChannels(model)];
  const byKey = new Map<string, SimChannel>();
  for (const ch of channels) for (const k of ch.keys) byKey.set(`${ch.exchange}|${k.key}`, ch);
  const rest: RestData = {
    'binance-usdm': binanceRest(model, opts.binanceWeightLimit ?? 2400),
    'bybit-linear': bybitRest(model),
    'okx-swap': okxRest(model),
  };

  const channelFor = (exchange: ExchangeId, key: string) => byKey.get(`${exchange}|${key}`);
  const snapshot = (exchange: ExchangeId, key: string, now: number) => {
    model.advance(now);
    return channelFor(exchange, key)?.snapshot?.(key, now) ?? null;
  };

  return {
    model,
    markets,
    channels,
    rest,
    channelFor,
    snapshot,
    streams(exchange) {
      const out = new Set<string>();
      for (const ch of channels) if (ch.exchange === exchange) for (const k of ch.keys) out.add(k.stream);
      return [...out];
    },
    nextFrames(exchange, stream, n, o = {}) {
      const step = o.stepMs ?? 1;
      const keys = new Set<string>();
      const chosen = channels.filter((ch) => {
        if (ch.exchange !== exchange) return false;
        const mine = ch.keys.filter((k) => k.stream === stream && (o.symbol === undefined || k.symbol === o.symbol));
        for (const k of mine) keys.add(k.key);
        return mine.length > 0;
      });
      if (chosen.length === 0)
        throw new RangeError(`${exchange} serves no stream "${stream}"${o.symbol ? ` for ${o.symbol}` : ''}`);
      const frames: string[] = [];
      const wire = exchange === 'binance-usdm' ? combinedFrame : (_k: string, text: string) => text;
      const out = (key: string, text: string) => {
        if (keys.has(key) && frames.length < n) {
          const w = wire(key, text);
          // flatten the concatenation now: kept as a rope, each frame's pieces would survive
          // into the old generation and the collector would spend more time than the builder
          w.charCodeAt(0);
          frames.push(w);
        }
      };
      let t = model.now;
      for (const key of keys) {
        const snap = snapshot(exchange, key, t);
        if (snap !== null) out(key, snap);
      }
      const ctx = {
        now: t,
        out,
        wanted: (key: string) => keys.has(key),
        force: true,
        skip: () => model.takeSkip(exchange),
      };
      for (let i = 0; frames.length < n; i++) {
        if (i > n * 50 + 1000) throw new Error(`${exchange} ${stream} produced only ${frames.length} of ${n} frames`);
        t += step;
        model.advance(t);
        ctx.now = t;
        chosen[i % chosen.length].emit(ctx);
      }
      return frames;
    },
  };
}
