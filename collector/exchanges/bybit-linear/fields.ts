/**
 * Field checks for Bybit frames. Each returns the value typed or throws a ParseError that names
 * the field (a static path such as `publicTrade data[].p`, so the hot path builds no strings).
 */
import { isDecimal } from '../../../core/decimal.ts';
import { ParseError } from '../types.ts';

export type Json = Record<string, unknown>;

const EXCHANGE = 'bybit-linear';

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function invalid(field: string, expected: string, value: unknown): ParseError {
  return new ParseError(`${EXCHANGE} ${field}: expected ${expected}, got ${shown(value)}`, EXCHANGE);
}

/** Decimal text exactly as sent ("65114.30"); rejects numbers, "", "NaN", "1e5". */
export function dec(value: unknown, field: string): string {
  if (typeof value === 'string' && isDecimal(value)) return value;
  throw invalid(field, 'decimal text', value);
}

/** Decimal text, or null for the empty string Bybit sends for "not applicable". */
export function decOrEmpty(value: string, field: string): string | null {
  if (value === '') return null;
  if (isDecimal(value)) return value;
  throw invalid(field, 'decimal text or ""', value);
}

/** An integer such as a millisecond time or an update id. */
export function int(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw invalid(field, 'an integer', value);
}

/** Epoch milliseconds sent as digits in a string ("1786320000000"), as Bybit does in tickers and REST. */
export function msText(value: string, field: string): number {
  let i = value.length;
  if (i === 0 || i > 16) throw invalid(field, 'millisecond digits', value);
  while (i-- > 0) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) throw invalid(field, 'millisecond digits', value);
  }
  return Number(value);
}

export function str(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalid(field, 'a non-empty string', value);
}

export function obj(value: unknown, field: string): Json {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  throw invalid(field, 'an object', value);
}

export function arr(value: unknown, field: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw invalid(field, 'an array', value);
}

/** Book levels `[["price","size"], ...]`, every entry checked before any is applied. */
export function levels(value: unknown, field: string): [string, string][] {
  const list = arr(value, field);
  for (let i = 0; i < list.length; i++) {
    const level = list[i];
    if (!Array.isArray(level) || level.length < 2) throw invalid(field, '[price, size] pairs', level);
    dec(level[0], field);
    dec(level[1], field);
  }
  return list as [string, string][];
}

/** "Buy"/"Sell" as the exchange spells it, to our lowercase side (no inversion here). */
export function bybitSide(value: unknown, field: string): 'buy' | 'sell' {
  if (value === 'Buy') return 'buy';
  if (value === 'Sell') return 'sell';
  throw invalid(field, '"Buy" or "Sell"', value);
}

/** One JSON.parse per frame; anything but a JSON object is malformed. */
export function parseObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`${EXCHANGE} ${what}: invalid JSON (${(err as Error).message})`, EXCHANGE);
  }
  return obj(value, what);
}
