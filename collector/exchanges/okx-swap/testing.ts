/**
 * Helpers shared by the okx-swap tests: fixtures, a parser fed frame by frame, snapshot text.
 * Clean-output checks and counts are every exchange's: ../test-support.ts.
 */
import { readFileSync } from 'node:fs';
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
export function feed(
  parser: ExchangeParser,
  frame: unknown,
  localTs = T0,
): { result: FrameResult; events: MarketEvent[] } {
  const events: MarketEvent[] = [];
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const result = parser.parseFrame(text, localTs, (e) => events.push(e));
  return { result, events };
}

export function rest(
  parser: ExchangeParser,
  url: string,
  body: unknown,
  localTs = T0,
): { result: FrameResult; events: MarketEvent[] } {
  const events: MarketEvent[] = [];
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const result = parser.parseRest(url, text, localTs, (e) => events.push(e));
  return { result, events };
}

/** Events as a JSON array, one event a line: compact and diff-friendly snapshots. */
export function jsonLines(items: readonly unknown[]): string {
  return items.length === 0 ? '[]\n' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`;
}
