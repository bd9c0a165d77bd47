/**
 * Bybit's wording of the shared field readers (../shared/fields.ts) and the reads only Bybit
 * needs: epoch ms as digit text, "Buy"/"Sell", book levels. Errors are parse errors (E_PARSE)
 * naming the field by its path in the message: `<message> <path>`, such as `tickers ts`,
 * `tickers data.markPrice` or `publicTrade data[].p` (any list item is `[]`).
 */
import type { FbError } from '../../../core/errors.ts';
import { fieldReaders, isDecimalText, type Expected, type Fields, type Json } from '../shared/fields.ts';
import { parseError } from '../types.ts';

export type { Json };

const EXCHANGE = 'bybit-linear';

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function invalid(field: string, expected: string, value: unknown): FbError {
  return parseError(`${EXCHANGE} ${field}: expected ${expected}, got ${shown(value)}`, EXCHANGE);
}

/** The path of field `key` of `ctx`: the first step after the message name is a space, then dots. */
function fieldPath(ctx: string, key: string | number): string {
  if (typeof key === 'number') return `${ctx}[]`;
  return ctx.includes(' ') ? `${ctx}.${key}` : `${ctx} ${key}`;
}

const PHRASE: Record<Expected, string> = {
  string: 'a non-empty string',
  decimal: 'decimal text',
  'decimal or empty': 'decimal text or ""',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/** `bybit-linear publicTrade data[].p: expected decimal text, got "abc"`. */
export const { str, dec, decOrEmpty, int, obj, arr } = fieldReaders((ctx, key, value, expected) =>
  invalid(fieldPath(ctx, key), PHRASE[expected], value),
);

/** Epoch milliseconds sent as digits in a string ("1786320000000"), as Bybit does in tickers and REST. */
function msText(value: string, field: string): number {
  let i = value.length;
  if (i === 0 || i > 16) throw invalid(field, 'millisecond digits', value);
  while (i-- > 0) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) throw invalid(field, 'millisecond digits', value);
  }
  return Number(value);
}

/** Epoch ms as digit text (the documented form) or a plain integer. */
export function epochMs(o: Fields, key: string | number, ctx: string): number {
  const v = (o as Record<string | number, unknown>)[key];
  return typeof v === 'string' ? msText(v, fieldPath(ctx, key)) : int(o, key, ctx);
}

/** Epoch ms as digit text; null for "" ("not applicable"), undefined when absent (a delta keeps it). */
export function msOrEmpty(o: Json, key: string, ctx: string): number | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const field = fieldPath(ctx, key);
  if (typeof v !== 'string') throw invalid(field, 'millisecond digits or ""', v);
  return v === '' ? null : msText(v, field);
}

/** Book levels `[["price","size"], ...]`, every entry checked before any is applied. */
export function levels(o: Json, key: string, ctx: string): [string, string][] {
  const list = arr(o, key, ctx);
  const field = fieldPath(ctx, key);
  for (let i = 0; i < list.length; i++) {
    const level = list[i];
    if (!Array.isArray(level) || level.length < 2) throw invalid(field, '[price, size] pairs', level);
    for (let j = 0; j < 2; j++) {
      const text: unknown = level[j];
      if (typeof text !== 'string' || !isDecimalText(text)) throw invalid(field, 'decimal text', text);
    }
  }
  return list as [string, string][];
}

/** "Buy"/"Sell" as the exchange spells it, to our lowercase side (no inversion here). */
export function bybitSide(o: Json, key: string, ctx: string): 'buy' | 'sell' {
  const v = o[key];
  if (v === 'Buy') return 'buy';
  if (v === 'Sell') return 'sell';
  throw invalid(fieldPath(ctx, key), '"Buy" or "Sell"', v);
}

/** One JSON.parse per frame; anything but a JSON object is malformed. */
export function parseObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw parseError(`${EXCHANGE} ${what}: invalid JSON (${(err as Error).message})`, EXCHANGE);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  throw invalid(what, 'an object', value);
}
