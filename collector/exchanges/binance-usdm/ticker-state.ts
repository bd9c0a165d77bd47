/**
 * Merged derivative-ticker state per symbol. Binance spreads what a `derivative_ticker` holds
 * over three sources: markPrice (mark, index, funding), the 24 h `@ticker` stream (last price)
 * and the REST openInterest poll. Each source updates its fields here; an emitted event carries
 * the latest value of every field (null when never seen), as DerivativeTickerEvent documents.
 */
import type { Dec, DerivativeTickerEvent } from '../../../core/events.ts';
import { EXCHANGE } from './fields.ts';

export interface TickerState {
  mark: Dec | null;
  index: Dec | null;
  last: Dec | null;
  funding: Dec | null;
  nextFundingTs: number | null;
  openInterest: Dec | null;
}

export class TickerStates {
  private readonly bySymbol = new Map<string, TickerState>();

  get(symbol: string): TickerState {
    let s = this.bySymbol.get(symbol);
    if (s === undefined) {
      s = { mark: null, index: null, last: null, funding: null, nextFundingTs: null, openInterest: null };
      this.bySymbol.set(symbol, s);
    }
    return s;
  }

  /** The state as an event. Binance publishes no predicted rate (`r` is the coming one). */
  event(symbol: string, market: string, ts: number, localTs: number): DerivativeTickerEvent {
    const s = this.get(symbol);
    return {
      kind: 'derivative_ticker',
      exchange: EXCHANGE,
      symbol,
      market,
      ts,
      local_ts: localTs,
      mark_price: s.mark,
      index_price: s.index,
      last_price: s.last,
      funding_rate: s.funding,
      predicted_rate: null,
      next_funding_ts: s.nextFundingTs,
      open_interest: s.openInterest,
    };
  }
}

/**
 * Funding fields from a mark-price update. Binance sends `r:""` (COIN-M delivery) or `T:0`
 * (USDⓈ-M quarterlies such as BTCBUSD_210129) for contracts without funding: those leave the
 * funding fields as they were (null for such a contract), like tardis-node does.
 */
export function applyFunding(s: TickerState, rate: string | undefined, nextTs: number | undefined): void {
  if (rate === undefined || rate === '' || nextTs === undefined || nextTs === 0) return;
  s.funding = rate;
  s.nextFundingTs = nextTs;
}
