/** Helpers shared by the okx-swap tests: fixtures, a parser fed frame by frame, clean-output checks. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { isDecimal } from '../../../core/decimal.ts';
import type { MarketEvent } from '../../../core/events.ts';
import { InstrumentBook } from '../../../core/instruments.ts';
import type { ExchangeParser, FrameResult } from '../types.ts';
import { defaultInstruments } from './instruments.ts';
import { createParser } from './parse.ts';

const FIXTURES = new URL('../../../fixtures/', import.meta.url);
export const T0 = 1_750_000_000_000;

/** The non-blank lines of a file of the project's own fixtures/ (frames from ../shared: sharedLines). */
export function fixtureLines(path: string): string[] {
  return readFileSync(new URL(path, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

export function newParser(book = new InstrumentBook('okx-swap', defaultInstruments())): ExchangeParser {
  return createParser(book);
}

/** One frame (a string, or an object sent as JSON) through the parser. */
export function feed(parser: ExchangeParser, frame: unknown, localTs = T0): { result: FrameResult; events: MarketEvent[] } {
  const events: MarketEvent[] = [];
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const result = parser.parseFrame(text, localTs, (e) => events.push(e));
  return { result, events };
}

export function rest(parser: ExchangeParser, url: string, body: unknown, localTs = T0): { result: FrameResult; events: MarketEvent[] } {
  const events: MarketEvent[] = [];
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const result = parser.parseRest(url, text, localTs, (e) => events.push(e));
  return { result, events };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

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

/** Every field defined, numbers finite, decimals decimal text (or null where allowed). */
export function expectClean(events: readonly MarketEvent[]): void {
  for (const event of events) {
    expect(event.exchange).toBe('okx-swap');
    expect(event.symbol).toMatch(/^[A-Z0-9]+-[A-Z0-9]+-SWAP$/);
    expect(event.market).toMatch(/^[A-Z0-9]+\/[A-Z0-9]+:[A-Z0-9]+$/);
    for (const [key, value] of Object.entries(event)) {
      expect(value, `${event.kind}.${key}`).not.toBeUndefined();
      if (typeof value === 'number') expect(Number.isFinite(value), `${event.kind}.${key} = ${value}`).toBe(true);
      if (DECIMAL_FIELDS.has(key) && value !== null) expect(isDecimal(value), `${event.kind}.${key} = ${String(value)}`).toBe(true);
    }
    if (event.kind === 'book_top') {
      for (const [price, qty] of [...event.bids, ...event.asks]) expect(isDecimal(price) && isDecimal(qty), `${price} ${qty}`).toBe(true);
    }
  }
}

/** Events as a JSON array, one event a line: compact and diff-friendly snapshots. */
export function jsonLines(items: readonly unknown[]): string {
  return items.length === 0 ? '[]\n' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`;
}
