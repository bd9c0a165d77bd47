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

const FIELDS: readonly (keyof TickerFields)[] = [
  'mark_price',
  'index_price',
  'last_price',
  'funding_rate',
  'predicted_rate',
  'next_funding_ts',
  'open_interest',
];

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
    let state = this.bySymbol.get(symbol);
    if (state === undefined) {
      state = emptyTicker();
      this.bySymbol.set(symbol, state);
    }
    const fields = state as Record<keyof TickerFields, TickerFields[keyof TickerFields]>;
    let changed = false;
    for (const key of FIELDS) {
      const value = update[key];
      const next = value !== undefined ? value : replace ? null : fields[key];
      if (next !== fields[key]) {
        fields[key] = next;
        changed = true;
      }
    }
    return changed;
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
