/**
 * OKX's wording of the shared field readers (../shared/fields.ts), and what only OKX sends:
 * epoch milliseconds as digit text, instId in the item or in the arg. Every failure throws a
 * parse error (E_PARSE) naming the channel and the field, so the connection can count and log it.
 */
import type { FbError } from '../../../core/errors.ts';
import { fieldReaders, type Expected, type Json } from '../shared/fields.ts';
import { parseError } from '../types.ts';

export type Rec = Json;

export function fail(message: string): never {
  throw parseError(message, 'okx-swap');
}

const PHRASE: Record<Expected, string> = {
  string: 'a string',
  decimal: 'a decimal',
  'decimal or empty': 'a decimal',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/**
 * "trades: px "abc" is not a decimal", "trades: px missing or not a string", and for a row of a
 * positional array "…: row[1] "abc" is not a decimal" (a row has no "missing" case).
 */
function okxWording(ctx: string, key: string | number, value: unknown, expected: Expected): FbError {
  const field = typeof key === 'number' ? `${ctx}[${key}]` : `${ctx}: ${key}`;
  if (expected === 'string' || (expected === 'decimal' && typeof key === 'string' && typeof value !== 'string')) {
    return parseError(`${field} missing or not a string`, 'okx-swap');
  }
  if (expected === 'object' || expected === 'array')
    return parseError(`${field} is not ${PHRASE[expected]}`, 'okx-swap');
  return parseError(`${field} ${JSON.stringify(value)} is not ${PHRASE[expected]}`, 'okx-swap');
}

export const { str, dec, decOrEmpty, optInt, arr } = fieldReaders(okxWording);

export function asRecord(v: unknown, what: string): Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Rec;
}

export function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(`${what} is not an array`);
  return v;
}

/** Epoch milliseconds; OKX sends them as digit strings ("1646312440645"). */
export function ms(o: Rec, key: string, ctx: string): number {
  return msValue(o[key], `${ctx}: ${key}`);
}

export function msValue(v: unknown, what: string): number {
  if (typeof v === 'string' ? isMillisText(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
    return Number(v);
  fail(`${what} ${JSON.stringify(v)} is not epoch milliseconds`);
}

/** 1 to 16 digits: epoch ms as text, nothing Number() would also accept ("1e3", "0x1f", " 12"). */
function isMillisText(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 16) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Data items carry instId on most channels; `books` items only in the arg. */
export function instIdOf(item: Rec, arg: Rec, ctx: string): string {
  const id = item.instId ?? arg.instId;
  if (typeof id !== 'string' || id === '') fail(`${ctx}: instId missing`);
  return id;
}
