/**
 * Instruments (the `markets` table): how a native symbol maps to a unified ccxt-style market
 * and how big one contract is. Isomorphic.
 */
import type { Dec, ExchangeId } from './events.ts';

export interface Instrument {
  exchange: ExchangeId;
  symbol: string;
  /** ccxt form: BASE/QUOTE:SETTLE, e.g. BTC/USDT:USDT, BTC/USD:BTC for inverse. */
  market: string;
  base: string;
  quote: string;
  settle: string;
  /** Size of one contract: in base units for linear contracts, in quote units for inverse. */
  contract_size: Dec;
  /** True when the contract is inverse (contract_size is a quote amount, settled in base). */
  inverse: boolean;
  tick_size: Dec | null;
  /** 24 h quote volume when known, for "top N by volume" selection. */
  volume_24h_quote?: number;
}

export function marketOf(base: string, quote: string, settle: string): string {
  return `${base}/${quote}:${settle}`;
}

const QUOTES = ['USDT', 'USDC', 'BUSD', 'USD'];

/**
 * Best-effort instrument from a native symbol alone, used until the exchange's instrument list
 * is known (and by parsers fed recorded frames). Linear, contract size 1.
 */
export function guessInstrument(exchange: ExchangeId, symbol: string): Instrument {
  let base = symbol;
  let quote = 'USDT';
  const dashed = symbol.split('-');
  if (dashed.length >= 2) {
    [base, quote] = [dashed[0], dashed[1]];
  } else {
    const q = QUOTES.find((c) => symbol.endsWith(c) && symbol.length > c.length);
    if (q) [base, quote] = [symbol.slice(0, -q.length), q];
  }
  const inverse = quote === 'USD';
  const settle = inverse ? base : quote;
  return {
    exchange,
    symbol,
    market: marketOf(base, quote, settle),
    base,
    quote,
    settle,
    contract_size: '1',
    inverse,
    tick_size: null,
  };
}

/** Instruments of one exchange by native symbol, with a fallback guess for unknown ones. */
export class InstrumentBook {
  private readonly bySymbol = new Map<string, Instrument>();
  constructor(
    readonly exchange: ExchangeId,
    instruments: Iterable<Instrument> = [],
  ) {
    for (const i of instruments) this.bySymbol.set(i.symbol, i);
  }
  set(i: Instrument): void {
    this.bySymbol.set(i.symbol, i);
  }
  has(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }
  get(symbol: string): Instrument {
    let i = this.bySymbol.get(symbol);
    if (!i) {
      i = guessInstrument(this.exchange, symbol);
      this.bySymbol.set(symbol, i);
    }
    return i;
  }
  all(): Instrument[] {
    return [...this.bySymbol.values()];
  }
}
