/**
 * What the simulated exchange knows about each instrument at the current event: best bid/ask,
 * last trade, mark price and the coming funding. Updated only from events already received,
 * which is what keeps fills and funding free of look-ahead.
 */
import type { MarketEvent } from '../../core/events.ts';
import type { InstrumentRef } from './types.ts';

export interface InstrumentState extends InstrumentRef {
  key: string;
  /** NaN until the first quote. */
  bid: number;
  ask: number;
  /** NaN until the first trade. */
  last: number;
  /** NaN until the first derivative ticker with a mark price. */
  mark: number;
  fundingRate: number | null;
  nextFundingTs: number | null;
  /** The last funding time settled, so a ticker repeating it does not settle it twice. */
  settledFundingTs: number | null;
}

export const instrumentKey = (ref: InstrumentRef): string => `${ref.exchange}|${ref.market}`;

export class MarketState {
  /**
   * By exchange, then market: looked up with the strings the event already holds, so the hot
   * path builds no key string per event. `list` keeps first-sight order for all().
   */
  private readonly byExchange = new Map<string, Map<string, InstrumentState>>();
  private readonly list: InstrumentState[] = [];

  get(ref: InstrumentRef): InstrumentState | undefined {
    return this.byExchange.get(ref.exchange)?.get(ref.market);
  }

  /** The state of the event's instrument, created on first sight. */
  of(e: InstrumentRef): InstrumentState {
    let markets = this.byExchange.get(e.exchange);
    if (!markets) {
      markets = new Map();
      this.byExchange.set(e.exchange, markets);
    }
    let s = markets.get(e.market);
    if (!s) {
      s = {
        key: instrumentKey(e),
        exchange: e.exchange,
        market: e.market,
        bid: NaN,
        ask: NaN,
        last: NaN,
        mark: NaN,
        fundingRate: null,
        nextFundingTs: null,
        settledFundingTs: null,
      };
      markets.set(e.market, s);
      this.list.push(s);
    }
    return s;
  }

  /** Every instrument seen, in order of first sight. */
  all(): readonly InstrumentState[] {
    return this.list;
  }

  /** Apply an event's prices. Funding fields are applied by the funding ledger, which must settle first. */
  update(e: MarketEvent): void {
    switch (e.kind) {
      case 'book_ticker': {
        const s = this.of(e);
        s.bid = Number(e.bid_price);
        s.ask = Number(e.ask_price);
        break;
      }
      case 'book_top': {
        if (e.bids.length && e.asks.length) {
          const s = this.of(e);
          s.bid = Number(e.bids[0][0]);
          s.ask = Number(e.asks[0][0]);
        }
        break;
      }
      case 'trade':
        this.of(e).last = Number(e.price);
        break;
      case 'derivative_ticker':
        if (e.mark_price !== null) this.of(e).mark = Number(e.mark_price);
        break;
      default:
        break;
    }
  }
}

/** Price used to value a position: the mid, else the last trade, else the mark; NaN when none is known. */
export function valuationPrice(s: InstrumentState): number {
  if (s.bid > 0 && s.ask > 0) return (s.bid + s.ask) / 2;
  if (s.last > 0) return s.last;
  return s.mark;
}
