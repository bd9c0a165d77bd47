/**
 * The live state of one exchange's market inside the engine: what has arrived in the open
 * bucket (flows) and the latest known levels (carried across buckets). This is the hot path:
 * trades and liquidations are folded in as they come; tickers and books are only remembered and
 * parsed once, when the bucket closes, so a flood of book updates costs one assignment each.
 */
import type { BookTickerEvent, BookTopEvent, DerivativeTickerEvent, ExchangeId, RecordedEvent } from '../events.ts';

export class MarketFlows {
  volume = 0;
  quote = 0;
  buy = 0;
  sell = 0;
  liqLong = 0;
  liqShort = 0;
  /** Largest single trade and liquidation notional of the bucket (user rules' event fields). */
  tradeMax = 0;
  liqMax = 0;

  clear(): void {
    this.volume = 0;
    this.quote = 0;
    this.buy = 0;
    this.sell = 0;
    this.liqLong = 0;
    this.liqShort = 0;
    this.tradeMax = 0;
    this.liqMax = 0;
  }
}

/** Latest levels, as numbers, at a bucket close; NaN where never seen. */
export interface Levels {
  price: number;
  mark: number;
  oiBase: number;
  oiUsd: number;
  funding: number;
  predicted: number;
  basisBps: number;
  lsGlobal: number;
  lsTopAccounts: number;
  lsTopPositions: number;
  imbalancePct: number;
}

export class MarketInputs {
  readonly flows = new MarketFlows();
  private lastTrade = NaN;
  private deriv: DerivativeTickerEvent | null = null;
  private bookTicker: BookTickerEvent | null = null;
  private bookTop: BookTopEvent | null = null;
  /** Open interest from the last `open_interest` event, unless a later ticker carried one. */
  private oiBase = NaN;
  private oiFromTicker = false;
  /**
   * The exchange's own USD value of the open interest from the last `open_interest` event (NaN
   * when it sent none). It stays the USD figure when a later ticker carries OI in base units
   * only: the exchange's valuation beats ours (OKX `oiUsd`, Bybit's `openInterestValue`).
   */
  private oiValue = NaN;
  private lsGlobal = NaN;
  private lsTopAccounts = NaN;
  private lsTopPositions = NaN;

  constructor(
    readonly exchange: ExchangeId,
    readonly symbol: string,
    readonly market: string,
    private readonly imbalanceLevels: number,
  ) {}

  /**
   * Fold one event in. Returns false when a number in it does not parse, so the caller can
   * count and log it; the event is then ignored rather than poisoning the sums.
   */
  apply(e: RecordedEvent): boolean {
    switch (e.kind) {
      case 'trade': {
        const p = +e.price;
        const q = +e.qty;
        if (!(p > 0 && q >= 0)) return false;
        const n = p * q;
        const f = this.flows;
        f.volume += q;
        f.quote += n;
        if (e.side === 'buy') f.buy += n;
        else f.sell += n;
        if (n > f.tradeMax) f.tradeMax = n;
        this.lastTrade = p;
        return true;
      }
      case 'liquidation': {
        const n = +e.price * +e.qty;
        if (!(n >= 0)) return false;
        // side = side of the liquidation order: a sell closes a long.
        if (e.side === 'sell') this.flows.liqLong += n;
        else this.flows.liqShort += n;
        if (n > this.flows.liqMax) this.flows.liqMax = n;
        return true;
      }
      case 'book_ticker':
        this.bookTicker = e;
        return true;
      case 'book_top':
        this.bookTop = e;
        return true;
      case 'derivative_ticker':
        this.deriv = e;
        if (e.open_interest !== null) this.oiFromTicker = true;
        return true;
      case 'open_interest': {
        const oi = +e.open_interest;
        if (!(oi >= 0)) return false;
        this.oiBase = oi;
        this.oiValue = e.value === null ? NaN : +e.value;
        this.oiFromTicker = false;
        return true;
      }
      case 'long_short': {
        const r = +e.ratio;
        if (!(r >= 0)) return false;
        if (e.ratio_type === 'global_accounts') this.lsGlobal = r;
        else if (e.ratio_type === 'top_accounts') this.lsTopAccounts = r;
        else if (e.ratio_type === 'top_positions') this.lsTopPositions = r;
        // taker_volume: the engine derives the taker ratio from the trades themselves.
        return true;
      }
      case 'gap':
        return true;
    }
  }

  /** Latest levels at a bucket close (parses the remembered tickers and book). */
  levels(): Levels {
    const d = this.deriv;
    const mark = num(d?.mark_price);
    const index = num(d?.index_price);
    const bt = this.bookTicker;
    const mid = bt ? (+bt.bid_price + +bt.ask_price) / 2 : NaN;
    // Trades are what traders see; before the first trade fall back to mark, last, then mid.
    let price = this.lastTrade;
    if (price !== price) price = mark;
    if (price !== price) price = num(d?.last_price);
    if (price !== price) price = mid;
    const oiBase = this.oiFromTicker ? num(d?.open_interest) : this.oiBase;
    // Ours only when the exchange never sent its own: OI × mark, or × price before any mark.
    const oiUsd = this.oiValue === this.oiValue ? this.oiValue : oiBase * (mark === mark ? mark : price);
    return {
      price,
      mark,
      oiBase,
      oiUsd,
      funding: num(d?.funding_rate),
      predicted: num(d?.predicted_rate),
      basisBps: index > 0 ? ((mark - index) / index) * 10_000 : NaN,
      lsGlobal: this.lsGlobal,
      lsTopAccounts: this.lsTopAccounts,
      lsTopPositions: this.lsTopPositions,
      imbalancePct: this.imbalance(),
    };
  }

  /** (bid − ask) / (bid + ask) notional over the top levels, %; top of book when no depth is recorded. */
  private imbalance(): number {
    let bid = 0;
    let ask = 0;
    const top = this.bookTop;
    if (top) {
      bid = notional(top.bids, this.imbalanceLevels);
      ask = notional(top.asks, this.imbalanceLevels);
    } else if (this.bookTicker) {
      const t = this.bookTicker;
      bid = +t.bid_price * +t.bid_qty;
      ask = +t.ask_price * +t.ask_qty;
    }
    const total = bid + ask;
    return total > 0 ? ((bid - ask) / total) * 100 : NaN;
  }
}

function num(s: string | null | undefined): number {
  return s == null ? NaN : +s;
}

function notional(levels: [string, string][], n: number): number {
  let sum = 0;
  const end = Math.min(n, levels.length);
  for (let i = 0; i < end; i++) sum += +levels[i][0] * +levels[i][1];
  return sum;
}
