/**
 * The merged derivative ticker every exchange keeps per symbol. Each exchange spreads what a
 * `derivative_ticker` holds over several sources (channels, REST polls); each source updates the
 * fields it carries, and an emitted event holds the latest value of every field (null when never
 * seen), as DerivativeTickerEvent documents. When to emit, and which source sets which field, is
 * the exchange's own rule (its parser); the merge and the event shape are shared here.
 */
import type { DerivativeTickerEvent, ExchangeId } from '../../../core/events.ts';

export type TickerFields = Pick<
  DerivativeTickerEvent,
  'mark_price' | 'index_price' | 'last_price' | 'funding_rate' | 'predicted_rate' | 'next_funding_ts' | 'open_interest'
>;

/** What one source carries: an absent (undefined) field keeps its value, null clears it. */
export type TickerUpdate = { [K in keyof TickerFields]?: TickerFields[K] | undefined };

/** Fields next() changed during the current merge (synchronous, never nested: one counter serves all). */
let changes = 0;

/** A field's value after an update: the update's, else null on a snapshot, else the current one. */
function next<T>(value: T | undefined, current: T | null, replace: boolean): T | null {
  const v = value !== undefined ? value : replace ? null : current;
  if (v !== current) changes++;
  return v;
}

function emptyTicker(): TickerFields {
  return {
    mark_price: null,
    index_price: null,
    last_price: null,
    funding_rate: null,
    predicted_rate: null,
    next_funding_ts: null,
    open_interest: null,
  };
}

export class MergedTickers {
  private readonly bySymbol = new Map<string, TickerFields>();

  constructor(private readonly exchange: ExchangeId) {}

  has(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }

  /** The merged fields, all null for a symbol never seen. */
  get(symbol: string): Readonly<TickerFields> {
    return this.bySymbol.get(symbol) ?? emptyTicker();
  }

  /**
   * Write the fields `update` carries; with `replace` (a snapshot) every other field becomes
   * null. True when a field changed value.
   */
  merge(symbol: string, update: TickerUpdate, replace = false): boolean {
    let s = this.bySymbol.get(symbol);
    if (s === undefined) {
      s = emptyTicker();
      this.bySymbol.set(symbol, s);
    }
    // Field by field, not a loop over the names: keyed access on these hot objects made
    // Bybit tickers parse 25 % slower (bench/parse.bench.ts).
    changes = 0;
    s.mark_price = next(update.mark_price, s.mark_price, replace);
    s.index_price = next(update.index_price, s.index_price, replace);
    s.last_price = next(update.last_price, s.last_price, replace);
    s.funding_rate = next(update.funding_rate, s.funding_rate, replace);
    s.predicted_rate = next(update.predicted_rate, s.predicted_rate, replace);
    s.next_funding_ts = next(update.next_funding_ts, s.next_funding_ts, replace);
    s.open_interest = next(update.open_interest, s.open_interest, replace);
    return changes > 0;
  }

  /** The merged state of `symbol` as an event. */
  event(symbol: string, market: string, ts: number, localTs: number): DerivativeTickerEvent {
    const s = this.get(symbol);
    return {
      kind: 'derivative_ticker',
      exchange: this.exchange,
      symbol,
      market,
      ts,
      local_ts: localTs,
      mark_price: s.mark_price,
      index_price: s.index_price,
      last_price: s.last_price,
      funding_rate: s.funding_rate,
      predicted_rate: s.predicted_rate,
      next_funding_ts: s.next_funding_ts,
      open_interest: s.open_interest,
    };
  }

  clear(): void {
    this.bySymbol.clear();
  }
}
