/**
 * The synthetic market's state, shared by the three venues: one random-walk mid price per base
 * asset, a small drifting basis per venue, an order book around it (integer price/size units),
 * trades, funding rates, open interest and liquidation bursts. Exchange-neutral: the per-exchange
 * frame builders turn this state into wire text. Time only moves when `advance(t)` is called,
 * so the same seed and the same times give the same frames.
 */
import type { ExchangeId, Side } from '../../core/events.ts';
import { EXCHANGES } from '../../core/events.ts';
import { pow10 } from './fixed.ts';
import type { SimMarket, VenueSpec } from './markets.ts';
import { Rng } from './rng.ts';

/**
 * Matching-engine time is this much earlier than the event (push) time; a constant keeps trade
 * and transaction times non-decreasing within a stream, as on the real feeds.
 */
export const MATCH_LATENCY_MS = 2;
/** Levels kept per book side (Bybit orderbook.50 is the deepest stream served). */
export const BOOK_LEVELS = 50;
const FUNDING_INTERVAL_MS = 8 * 3600_000;
/** Slow state (basis, funding, open interest) moves at most this often. */
const SLOW_STEP_MS = 100;
/** The mid prices' random walk steps at most this often (keeps 100k+ frames/s cheap). */
const WALK_STEP_MS = 10;

export interface Trade {
  side: Side;
  price: number;
  qty: number;
  /** How many fills the aggressor order matched (aggregate trade ids, OKX count). */
  fills: number;
}

export interface Liquidation {
  t: number;
  /** Side of the liquidation order: sell = a long was liquidated. */
  side: Side;
  price: number;
  qty: number;
}

export class Asset {
  lastT: number;
  /** Drift per second while a liquidation burst pushes the price. */
  burstDrift = 0;
  burstUntil = 0;
  constructor(
    readonly market: SimMarket,
    readonly index: number,
    public mid: number,
    start: number,
  ) {
    this.lastT = start;
  }
}

export class Venue {
  /** Size of one price unit in quote currency (10^-priceDp). */
  readonly unit: number;
  /** Base units per quantity unit (OKX: contract value). */
  readonly basePerQty: number;
  readonly typicalQty: number;
  basis: number;
  readonly basisCenter: number;
  bid = 0;
  ask = 0;
  readonly bidSizes: number[] = [];
  readonly askSizes: number[] = [];
  /** Bumped on every book change, so builders can tell whether to publish. */
  bookVersion = 0;
  last: number;
  lastQty = 0;
  readonly open24h: number;
  high: number;
  low: number;
  /** Traded volume in quantity units and in quote currency since start. */
  volume = 0;
  quoteVolume = 0;
  tradeCount = 0;
  funding = 0.0001;
  /** Open interest in quantity units. */
  oi: number;
  liquidations: Liquidation[] = [];
  slowT: number;

  constructor(
    readonly exchange: ExchangeId,
    readonly spec: VenueSpec,
    readonly asset: Asset,
    rng: Rng,
    start: number,
  ) {
    this.unit = 1 / pow10(spec.priceDp);
    const okx = asset.market['okx-swap'];
    this.basePerQty = exchange === 'okx-swap' ? Number(okx.ctVal) : 1 / pow10(spec.qtyDp);
    this.typicalQty = Math.max(spec.stepUnits, Math.round(asset.market.typicalQty / this.basePerQty));
    this.basisCenter = (rng.next() - 0.5) * 0.0004;
    this.basis = this.basisCenter;
    this.funding = 0.0001 + (rng.next() - 0.5) * 0.0001;
    // about $4 bn of open interest per venue
    this.oi = Math.round(4e9 / asset.market.price / this.basePerQty);
    this.slowT = start;
    const fair = this.fair();
    this.bid = Math.floor(fair / spec.tickUnits) * spec.tickUnits;
    this.ask = this.bid + spec.tickUnits;
    this.last = this.bid;
    this.open24h = this.bid;
    this.high = this.bid;
    this.low = this.bid;
  }

  /** Fair price of this venue in (fractional) price units. */
  fair(): number {
    return (this.asset.mid * (1 + this.basis)) / this.unit;
  }

  /** Mark price in quote currency. */
  markPrice(): number {
    return this.asset.mid * (1 + this.basis);
  }
}

export interface ModelOptions {
  seed: number;
  markets: SimMarket[];
  /** Model start time, epoch ms. */
  start: number;
  /** Time between liquidation bursts, [min, max] ms. */
  liquidationEveryMs?: [number, number];
}

export class SyntheticModel {
  readonly rng: Rng;
  readonly seed: number;
  readonly assets: Asset[];
  private readonly byExchange = new Map<ExchangeId, Venue[]>();
  private readonly bySymbol = new Map<string, Venue>();
  private readonly burstEvery: [number, number];
  private nextBurstAt: number;
  private t: number;
  /** Pending "skip a sequence number" faults per exchange. */
  private readonly skips = new Map<ExchangeId, number>();

  constructor(opts: ModelOptions) {
    this.seed = opts.seed;
    this.rng = new Rng(opts.seed);
    this.t = opts.start;
    this.burstEvery = opts.liquidationEveryMs ?? [20_000, 60_000];
    this.nextBurstAt = opts.start + this.burstDelay();
    this.assets = opts.markets.map((m, i) => new Asset(m, i, m.price, opts.start));
    for (const ex of EXCHANGES) {
      const venues = this.assets.map((a) => {
        const v = new Venue(ex, a.market[ex], a, this.rng, opts.start);
        for (let i = 0; i < BOOK_LEVELS; i++) {
          v.bidSizes.push(this.levelSize(v, i));
          v.askSizes.push(this.levelSize(v, i));
        }
        this.bySymbol.set(`${ex}|${v.spec.symbol}`, v);
        return v;
      });
      this.byExchange.set(ex, venues);
    }
  }

  get now(): number {
    return this.t;
  }

  venues(exchange: ExchangeId): readonly Venue[] {
    return this.byExchange.get(exchange) ?? [];
  }

  venue(exchange: ExchangeId, symbol: string): Venue | undefined {
    return this.bySymbol.get(`${exchange}|${symbol}`);
  }

  /** Move every asset's mid price (and slow state) forward to time `t`; never backwards. */
  advance(t: number): void {
    if (t <= this.t) return;
    this.t = t;
    if (t - this.assets[0].lastT < WALK_STEP_MS) return;
    if (t >= this.nextBurstAt) this.startBurst(t);
    for (const a of this.assets) {
      const dt = (t - a.lastT) / 1000;
      a.lastT = t;
      const drift = t < a.burstUntil ? a.burstDrift : 0;
      a.mid *= Math.exp(0.00025 * Math.sqrt(dt) * this.rng.normal() + drift * dt);
    }
  }

  /** Refresh a venue's top of book from the mid and let its slow state drift. */
  refresh(v: Venue): void {
    if (this.t - v.slowT >= SLOW_STEP_MS) this.slowStep(v);
    const tick = v.spec.tickUnits;
    const bid = Math.floor(v.fair() / tick) * tick;
    if (bid !== v.bid) {
      this.shiftBook(v, bid);
      v.bookVersion++;
    }
  }

  /** A book update without a trade: a few resting sizes change. */
  bookEvent(v: Venue): void {
    this.refresh(v);
    const n = 1 + this.rng.int(0, 2);
    for (let k = 0; k < n; k++) {
      const i = this.rng.next() < 0.5 ? 0 : this.rng.int(0, 9);
      const side = this.rng.next() < 0.5 ? v.bidSizes : v.askSizes;
      side[i] = this.levelSize(v, i);
    }
    v.bookVersion++;
  }

  /** One aggressive order hitting the top of the book. */
  trade(v: Venue): Trade {
    this.refresh(v);
    const a = v.asset;
    const sellBias = this.t < a.burstUntil ? (a.burstDrift < 0 ? 0.25 : -0.25) : 0;
    const side: Side = this.rng.next() < 0.5 - sellBias ? 'buy' : 'sell';
    const step = v.spec.stepUnits;
    const qty = Math.max(step, Math.round((v.typicalQty * Math.exp(0.9 * this.rng.normal())) / step) * step);
    const price = side === 'buy' ? v.ask : v.bid;
    const sizes = side === 'buy' ? v.askSizes : v.bidSizes;
    sizes[0] = sizes[0] > qty ? sizes[0] - qty : this.levelSize(v, 0);
    v.bookVersion++;
    v.last = price;
    v.lastQty = qty;
    v.volume += qty;
    v.quoteVolume += qty * v.basePerQty * price * v.unit;
    v.tradeCount++;
    if (price > v.high) v.high = price;
    if (price < v.low) v.low = price;
    return { side, price, qty, fills: 1 + this.rng.int(0, 2) };
  }

  /** Liquidations queued on a venue since the last call (oldest first). */
  takeLiquidations(v: Venue): Liquidation[] {
    const out = v.liquidations;
    if (out.length) v.liquidations = [];
    return out;
  }

  /** Queue one liquidation now (benchmarks that want liquidation frames on demand). */
  liquidate(v: Venue, side: Side): void {
    this.refresh(v);
    const away = 0.002 + this.rng.next() * 0.008;
    const fair = v.fair();
    const tick = v.spec.tickUnits;
    const price = Math.round((side === 'sell' ? fair * (1 - away) : fair * (1 + away)) / tick) * tick;
    const step = v.spec.stepUnits;
    const qty = Math.max(step, Math.round((v.typicalQty * 3 * Math.exp(this.rng.normal())) / step) * step);
    v.liquidations.push({ t: this.t, side, price, qty });
    if (v.liquidations.length > 200) v.liquidations.splice(0, v.liquidations.length - 200);
    v.oi = Math.max(step, v.oi - qty);
  }

  /** Next funding time on the 8 h grid (00:00, 08:00, 16:00 UTC). */
  nextFundingTime(): number {
    return (Math.floor(this.t / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS;
  }

  /** Arm a "skip one sequence number" fault for the next `count` sequenced frames. */
  armSkip(exchange: ExchangeId, count: number): void {
    this.skips.set(exchange, (this.skips.get(exchange) ?? 0) + count);
  }

  /** Whether this sequenced frame must skip a number (consumes one armed fault). */
  takeSkip(exchange: ExchangeId): boolean {
    const n = this.skips.get(exchange);
    if (!n) return false;
    this.skips.set(exchange, n - 1);
    return true;
  }

  private levelSize(v: Venue, level: number): number {
    const step = v.spec.stepUnits;
    return Math.max(
      step,
      Math.round((v.typicalQty * (1 + level * 0.15) * Math.exp(0.8 * this.rng.normal())) / step) * step,
    );
  }

  /**
   * Move the best bid to `bid` keeping one-tick spacing: levels shift, new ones get fresh sizes.
   * The side the price moves towards gains `n` levels on top, the other loses its best `n` and
   * gains `n` at the far end. Levels are moved in place and the fresh sizes drawn in the order of
   * one level at a time (gaining side, then losing side): a big move between two frames, common in
   * virtual time, costs one pass instead of `n` array shifts, and a seed still gives the same book.
   */
  private shiftBook(v: Venue, bid: number): void {
    const tick = v.spec.tickUnits;
    const k = Math.round((bid - v.bid) / tick);
    const n = Math.min(Math.abs(k), BOOK_LEVELS);
    if (k !== 0) {
      const gaining = k > 0 ? v.bidSizes : v.askSizes;
      const losing = k > 0 ? v.askSizes : v.bidSizes;
      for (let j = BOOK_LEVELS - 1; j >= n; j--) gaining[j] = gaining[j - n];
      for (let j = 0; j < BOOK_LEVELS - n; j++) losing[j] = losing[j + n];
      for (let i = 0; i < n; i++) {
        gaining[n - 1 - i] = this.levelSize(v, 0);
        losing[BOOK_LEVELS - n + i] = this.levelSize(v, BOOK_LEVELS - 1);
      }
    }
    v.bid = bid;
    v.ask = bid + tick;
  }

  private slowStep(v: Venue): void {
    const dt = (this.t - v.slowT) / 1000;
    v.slowT = this.t;
    const sq = Math.sqrt(dt);
    v.basis += 0.05 * (v.basisCenter - v.basis) * dt + 0.00002 * sq * this.rng.normal();
    v.funding += 0.01 * (0.0001 - v.funding) * dt + 0.000003 * sq * this.rng.normal();
    if (v.funding > 0.003) v.funding = 0.003;
    if (v.funding < -0.003) v.funding = -0.003;
    v.oi = Math.max(v.spec.stepUnits, Math.round(v.oi * Math.exp(0.0004 * sq * this.rng.normal())));
    const a = v.asset;
    if (this.t < a.burstUntil && this.rng.next() < 4 * dt) this.liquidate(v, a.burstDrift < 0 ? 'sell' : 'buy');
  }

  private burstDelay(): number {
    const [lo, hi] = this.burstEvery;
    return lo + this.rng.next() * (hi - lo);
  }

  /** A liquidation cascade: the price runs ~0.3% over 3 s and venues liquidate the losing side. */
  private startBurst(t: number): void {
    const a = this.assets[this.rng.int(0, this.assets.length - 1)];
    a.burstDrift = (this.rng.next() < 0.5 ? -1 : 1) * 0.001;
    a.burstUntil = t + 3000;
    this.nextBurstAt = t + this.burstDelay();
  }
}
