/** Assertions shared by the parser tests of every exchange. */
import { expect } from 'vitest';
import { isDecimal } from '../../core/decimal.ts';
import type { ExchangeId, MarketEvent } from '../../core/events.ts';

/** Event fields that hold decimal text (or null where the event type allows it). */
const DECIMAL_FIELDS = new Set([
  'price',
  'qty',
  'bid_price',
  'bid_qty',
  'ask_price',
  'ask_qty',
  'open_interest',
  'value',
  'ratio',
  'long',
  'short',
  'mark_price',
  'index_price',
  'last_price',
  'funding_rate',
  'predicted_rate',
]);

/** A unified market in ccxt form: BTC/USDT:USDT, or BTC/USD:BTC-250328 for a dated contract. */
const MARKET = /^[A-Z0-9]+\/[A-Z0-9]+:[A-Z0-9]+(-\d{6})?$/;

/** Text a number-to-string slip would leave in a field. */
const NOT_A_NUMBER = /^(NaN|-?Infinity|undefined)$/;

/** What the events of one parser must look like beyond being clean. */
export interface CleanRules {
  exchange: ExchangeId;
  /** Default: any non-empty symbol. */
  symbol?: RegExp;
  /** Default: ccxt form. */
  market?: RegExp;
}

/**
 * Every event is of the rules' exchange, symbol and market form, and no field at any depth is
 * undefined, a non-finite number or the text of one; decimal fields and book levels are decimal
 * text.
 */
export function expectClean(events: readonly MarketEvent[], rules: CleanRules): void {
  const { exchange, symbol = /^.+$/, market = MARKET } = rules;
  for (const event of events) {
    expect(event.exchange).toBe(exchange);
    expect(event.symbol).toMatch(symbol);
    expect(event.market).toMatch(market);
    expectDefined(event, event.kind);
    for (const [key, value] of Object.entries(event)) {
      if (DECIMAL_FIELDS.has(key) && value !== null)
        expect(isDecimal(value), `${event.kind}.${key} = ${String(value)}`).toBe(true);
    }
    if (event.kind === 'book_top') {
      for (const [price, qty] of [...event.bids, ...event.asks])
        expect(isDecimal(price) && isDecimal(qty), `${price} ${qty}`).toBe(true);
    }
  }
}

/** Plain checks rather than one expect per value: a book_top holds dozens of values. */
function expectDefined(value: unknown, path: string): void {
  if (value === undefined) throw new Error(`${path} is undefined`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${path} is ${value}`);
  if (typeof value === 'string' && NOT_A_NUMBER.test(value)) throw new Error(`${path} is "${value}"`);
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) expectDefined(inner, `${path}.${key}`);
  }
}

/** How many items fall under each key (event kinds, result types). */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
