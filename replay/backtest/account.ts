/**
 * The simulated exchange account: positions, resting limit orders, fills, fees, funding and
 * risk limits. It is advanced one event at a time and only ever uses prices already received:
 *
 * - market orders fill at once at the best ask (buy) or bid (sell) known now, `slippageBps`
 *   worse, as taker;
 * - a resting limit order fills, as maker at its own price, only when a later trade of its
 *   instrument trades through it (strictly below a buy, strictly above a sell); a limit order
 *   that is marketable when placed fills at once as taker, never worse than its price;
 * - funding is settled at each funding time at the mark price known then:
 *   amount = −qty × mark × rate, so with a positive rate longs pay and shorts receive;
 * - an order that would raise exposure beyond equity × leverage, or an instrument's notional
 *   beyond maxPosition, is rejected; orders that only reduce a position are always accepted.
 */
import type { DerivativeTickerEvent, RecordedEvent } from '../../core/events.ts';
import type { AccountConfig } from './config.ts';
import { instrumentKey, MarketState, valuationPrice, type InstrumentState } from './market-state.ts';
import { TradeBook } from './trade-book.ts';
import type {
  AccountTotals,
  Fill,
  FundingPayment,
  InstrumentRef,
  LimitOrderRequest,
  MarketOrderRequest,
  OpenOrder,
  OrderResult,
  PositionView,
  RejectReason,
} from './types.ts';

interface Position {
  state: InstrumentState;
  qty: number;
  entry: number;
}

/** What advance() returns for the many events that fill nothing: no array allocated per event. */
const NO_FILLS: readonly Fill[] = Object.freeze([]);

/** Quantities this close to zero (relative) are float residue of a position closed in parts. */
const FLAT_EPSILON = 1e-9;

export class SimAccount {
  readonly market = new MarketState();
  readonly fills: Fill[] = [];
  readonly funding: FundingPayment[] = [];
  readonly trades = new TradeBook();
  readonly rejected: Record<RejectReason, number> = { no_quote: 0, leverage: 0, position_limit: 0, bad_order: 0 };
  ordersPlaced = 0;
  ordersCancelled = 0;
  private cash: number;
  private readonly positions = new Map<string, Position>();
  private orders: OpenOrder[] = [];
  private nextOrderId = 1;
  private totals: AccountTotals = {
    realized_pnl: 0,
    fees_paid: 0,
    funding_paid: 0,
    funding_received: 0,
    closed_trades: 0,
  };
  /** Current event (the clock of fills). */
  private seq = 0;
  private now = 0;
  private exposedSince: number | null = null;
  private exposedMs = 0;
  /** No funding time of any instrument is earlier than this: most events skip the funding scan. */
  private fundingDueAt = Infinity;

  constructor(readonly config: AccountConfig) {
    this.cash = config.balance;
  }

  /**
   * Advance to event `e`: settle funding that fell due before it, fill resting orders its trade
   * trades through, then take its prices. Returns the fills it caused.
   */
  advance(e: RecordedEvent): readonly Fill[] {
    this.seq = e.seq;
    this.now = e.local_ts;
    if (e.kind === 'derivative_ticker') return this.advanceTicker(e);
    if (this.now >= this.fundingDueAt) this.settleDueFunding();
    const fills =
      e.kind === 'trade' && this.orders.length > 0 ? this.fillResting(e.exchange, e.market, Number(e.price)) : NO_FILLS;
    this.market.update(e);
    return fills;
  }

  /** A ticker settles the funding its new funding time shows is past, then announces the next one. */
  private advanceTicker(e: DerivativeTickerEvent): readonly Fill[] {
    const s = this.market.of(e);
    this.settleFunding(s, e.next_funding_ts);
    if (this.now >= this.fundingDueAt) this.settleDueFunding();
    this.market.update(e);
    if (e.funding_rate !== null) s.fundingRate = Number(e.funding_rate);
    // Tickers may repeat a funding time that has just been settled until the exchange rolls over.
    if (e.next_funding_ts !== null && (s.settledFundingTs === null || e.next_funding_ts > s.settledFundingTs)) {
      s.nextFundingTs = e.next_funding_ts;
      this.fundingDueAt = Math.min(this.fundingDueAt, e.next_funding_ts);
    }
    return NO_FILLS;
  }

  private settleDueFunding(): void {
    this.fundingDueAt = Infinity;
    for (const s of this.market.all()) {
      if (s.nextFundingTs !== null && s.nextFundingTs <= this.now) this.settleFunding(s, null);
      if (s.nextFundingTs !== null) this.fundingDueAt = Math.min(this.fundingDueAt, s.nextFundingTs);
    }
  }

  /**
   * Settle `s`'s pending funding if its time has come, or if a new ticker announces a later
   * funding time (the exchange has moved on before our receipt clock passed the old one).
   */
  private settleFunding(s: InstrumentState, announcedNext: number | null): void {
    const at = s.nextFundingTs;
    if (at === null || (at > this.now && (announcedNext === null || announcedNext <= at))) return;
    s.nextFundingTs = null;
    s.settledFundingTs = at;
    const pos = this.positions.get(s.key);
    if (!pos || pos.qty === 0 || s.fundingRate === null || !(s.mark > 0)) return;
    const amount = -pos.qty * s.mark * s.fundingRate;
    this.cash += amount;
    if (amount < 0) this.totals.funding_paid -= amount;
    else this.totals.funding_received += amount;
    this.funding.push({
      exchange: s.exchange,
      market: s.market,
      ts: at,
      rate: s.fundingRate,
      mark_price: s.mark,
      position_qty: pos.qty,
      amount,
    });
    this.trades.onFunding(s.key, amount);
  }

  private fillResting(exchange: string, market: string, price: number): Fill[] {
    const fills: Fill[] = [];
    const keep: OpenOrder[] = [];
    for (const o of this.orders) {
      const through = o.side === 'buy' ? price < o.price : price > o.price;
      if (o.exchange !== exchange || o.market !== market || !through) {
        keep.push(o);
        continue;
      }
      // The risk limits apply at the fill: an order they refuse now is cancelled and counted.
      const refused = this.check(o, o.price);
      if (refused) {
        this.rejected[refused]++;
        continue;
      }
      fills.push(this.fill(o.id, o, o.price, 'maker'));
    }
    this.orders = keep;
    return fills;
  }

  marketOrder(req: MarketOrderRequest): OrderResult {
    const bad = this.validate(req);
    if (bad) return bad;
    const price = this.takerPrice(req);
    if (price === null) return this.reject('no_quote', `no best bid/ask yet for ${req.market} on ${req.exchange}`);
    return this.execute(req, price);
  }

  limitOrder(req: LimitOrderRequest): OrderResult {
    const bad = this.validate(req);
    if (bad) return bad;
    if (!(req.price > 0)) return this.reject('bad_order', `limit price must be > 0, got ${req.price}`);
    const taker = this.takerPrice(req);
    const s = this.market.get(req);
    const marketable =
      s !== undefined && (req.side === 'buy' ? s.ask > 0 && req.price >= s.ask : s.bid > 0 && req.price <= s.bid);
    if (marketable && taker !== null)
      return this.execute(req, req.side === 'buy' ? Math.min(taker, req.price) : Math.max(taker, req.price));
    const order: OpenOrder = {
      id: this.nextOrderId++,
      exchange: req.exchange,
      market: req.market,
      side: req.side,
      qty: req.qty,
      price: req.price,
      placed_ts: this.now,
      placed_seq: this.seq,
      tag: req.tag ?? '',
    };
    this.ordersPlaced++;
    this.orders.push(order);
    return { ok: true, id: order.id, status: 'open' };
  }

  cancel(id: number): boolean {
    const n = this.orders.length;
    this.orders = this.orders.filter((o) => o.id !== id);
    if (this.orders.length === n) return false;
    this.ordersCancelled++;
    return true;
  }

  openOrders(): readonly OpenOrder[] {
    return this.orders;
  }

  private validate(req: MarketOrderRequest): OrderResult | null {
    if (!(req.qty > 0) || !Number.isFinite(req.qty))
      return this.reject('bad_order', `order qty must be a positive number, got ${req.qty}`);
    if (req.side !== 'buy' && req.side !== 'sell')
      return this.reject('bad_order', `order side must be buy or sell, got ${String(req.side)}`);
    return null;
  }

  private reject(reason: RejectReason, message: string): OrderResult {
    this.rejected[reason]++;
    return { ok: false, reason, message };
  }

  private takerPrice(ref: MarketOrderRequest): number | null {
    const s = this.market.get(ref);
    const slip = this.config.slippageBps / 10_000;
    if (ref.side === 'buy') return s && s.ask > 0 ? s.ask * (1 + slip) : null;
    return s && s.bid > 0 ? s.bid * (1 - slip) : null;
  }

  private execute(req: MarketOrderRequest, price: number): OrderResult {
    const refused = this.check(req, price);
    if (refused)
      return this.reject(
        refused,
        refused === 'leverage'
          ? `order would exceed ${this.config.leverage}× leverage`
          : `order would exceed max_position ${this.config.maxPosition}`,
      );
    this.ordersPlaced++;
    const id = this.nextOrderId++;
    return { ok: true, id, status: 'filled', fill: this.fill(id, req, price, 'taker') };
  }

  /** The risk rule an order at `price` would break, or null. */
  private check(req: MarketOrderRequest, price: number): RejectReason | null {
    const key = instrumentKey(req);
    const before = this.positions.get(key)?.qty ?? 0;
    const after = before + (req.side === 'buy' ? req.qty : -req.qty);
    const reducing = Math.abs(after) <= Math.abs(before) && (after === 0 || Math.sign(after) === Math.sign(before));
    if (reducing) return null;
    if (this.config.maxPosition > 0 && Math.abs(after) * price > this.config.maxPosition) return 'position_limit';
    let gross = Math.abs(after) * price;
    for (const [k, p] of this.positions)
      if (k !== key && p.qty !== 0) gross += Math.abs(p.qty) * (valuationPrice(p.state) || p.entry);
    return gross > this.equity() * this.config.leverage ? 'leverage' : null;
  }

  private fill(orderId: number, req: MarketOrderRequest, price: number, liquidity: 'maker' | 'taker'): Fill {
    const key = instrumentKey(req);
    let pos = this.positions.get(key);
    if (!pos) {
      pos = { state: this.market.of(req), qty: 0, entry: 0 };
      this.positions.set(key, pos);
    }
    const before = pos.qty;
    const signed = req.side === 'buy' ? req.qty : -req.qty;
    let after = before + signed;
    if (Math.abs(after) <= FLAT_EPSILON * Math.max(Math.abs(before), req.qty)) after = 0;
    let realized = 0;
    if (before !== 0 && Math.sign(signed) !== Math.sign(before)) {
      const closed = Math.min(req.qty, Math.abs(before));
      realized = closed * (price - pos.entry) * Math.sign(before);
      pos.entry = after === 0 ? 0 : Math.sign(after) !== Math.sign(before) ? price : pos.entry;
    } else {
      pos.entry = (Math.abs(before) * pos.entry + req.qty * price) / Math.abs(after);
    }
    pos.qty = after;
    const rate = liquidity === 'maker' ? this.config.fees[req.exchange].maker : this.config.fees[req.exchange].taker;
    const fee = req.qty * price * rate;
    this.cash += realized - fee;
    this.totals.realized_pnl += realized;
    this.totals.fees_paid += fee;
    const fill: Fill = {
      order_id: orderId,
      seq: this.seq,
      ts: this.now,
      exchange: req.exchange,
      market: req.market,
      side: req.side,
      qty: req.qty,
      price,
      liquidity,
      fee,
      realized_pnl: realized,
      tag: req.tag ?? '',
    };
    this.fills.push(fill);
    this.trades.onFill(key, fill, before, after);
    this.totals.closed_trades = this.trades.closed.length;
    this.trackExposure();
    return fill;
  }

  private trackExposure(): void {
    let open = false;
    for (const p of this.positions.values()) if (p.qty !== 0) open = true;
    if (open && this.exposedSince === null) this.exposedSince = this.now;
    if (!open && this.exposedSince !== null) {
      this.exposedMs += this.now - this.exposedSince;
      this.exposedSince = null;
    }
  }

  /** Time spent with any position open, up to `until`. */
  exposureMs(until: number): number {
    return this.exposedMs + (this.exposedSince === null ? 0 : until - this.exposedSince);
  }

  position(ref: InstrumentRef): PositionView {
    const p = this.positions.get(instrumentKey(ref));
    if (!p || p.qty === 0) return { qty: 0, entry_price: 0, unrealized_pnl: 0 };
    return { qty: p.qty, entry_price: p.entry, unrealized_pnl: unrealized(p) };
  }

  /** Open positions, for closing them at the end of a session. */
  openPositions(): (InstrumentRef & { qty: number })[] {
    const out: (InstrumentRef & { qty: number })[] = [];
    for (const p of this.positions.values())
      if (p.qty !== 0) out.push({ exchange: p.state.exchange, market: p.state.market, qty: p.qty });
    return out;
  }

  balance(): number {
    return this.cash;
  }

  equity(): number {
    let eq = this.cash;
    for (const p of this.positions.values()) if (p.qty !== 0) eq += unrealized(p);
    return eq;
  }

  quote(ref: InstrumentRef): { bid: number; ask: number } | null {
    const s = this.market.get(ref);
    return s && s.bid > 0 && s.ask > 0 ? { bid: s.bid, ask: s.ask } : null;
  }

  getTotals(): AccountTotals {
    return { ...this.totals };
  }
}

/** Unrealised PnL at the valuation price; 0 while no price is known. */
function unrealized(p: Position): number {
  const price = valuationPrice(p.state);
  return Number.isFinite(price) ? p.qty * (price - p.entry) : 0;
}
