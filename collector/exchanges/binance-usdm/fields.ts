/**
 * Binance's wording of the shared field readers (../shared/fields.ts) and the reads only Binance
 * needs: epoch ms as a number or digit text, depth levels trimmed to pairs, and `explain`, which
 * names the bad field of a hot-path payload. Errors are parse errors (E_PARSE) naming the message
 * type and the field.
 */
import type { Dec } from '../../../core/events.ts';
import { isDecimal } from '../../../core/decimal.ts';
import { parseError } from '../types.ts';
import { type FbError, hasErrorCode } from '../../../core/errors.ts';
import { fieldReaders, type Expected, type Json } from '../shared/fields.ts';

export const EXCHANGE = 'binance-usdm' as const;

export type { Json };

/** Longest excerpt of a bad value quoted in an error (a frame can be megabytes). */
const EXCERPT = 60;

function excerpt(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

/** A parse error for field `field` of message type `what`. */
export function badField(what: string, field: string, value: unknown, expected: string): FbError {
  const problem = value === undefined ? 'is missing' : `is not ${expected}: ${excerpt(value)}`;
  return parseError(`binance-usdm ${what}: field "${field}" ${problem}`, EXCHANGE);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw parseError(`binance-usdm ${what}: invalid JSON: ${excerpt(text)}`, EXCHANGE);
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const PHRASE: Record<Expected, string> = {
  string: 'a non-empty string',
  decimal: 'a decimal string',
  'decimal or empty': 'a decimal string or ""',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/** `binance-usdm aggTrade: field "p" is not a decimal string: "abc"`. */
export const { obj, str, dec, optDec, int, optInt, bool } = fieldReaders((what, key, value, expected) =>
  badField(what, String(key), value, PHRASE[expected]),
);

/** Epoch ms sent as a number or as digit text (the /futures/data endpoints send "1583139600000"). */
export function epochMs(o: Json, key: string, what: string): number {
  const v = o[key];
  if (Number.isSafeInteger(v)) return v as number;
  if (typeof v === 'string' && v !== '' && v.length <= 16) {
    const n = Number(v);
    if (Number.isSafeInteger(n) && String(n) === v) return n;
  }
  throw badField(what, key, v, 'an epoch-ms integer');
}

/**
 * Price levels `[["price","qty"], …]`. The parsed pairs are reused as they are (no copy on the
 * hot path); a level with extra trailing elements is trimmed to the pair.
 */
export function levels(o: Json, key: string, what: string): [Dec, Dec][] {
  const v = o[key];
  if (!Array.isArray(v)) throw badField(what, key, v, 'an array of [price, qty] pairs');
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!Array.isArray(l) || l.length < 2 || !isDecimal(l[0]) || !isDecimal(l[1])) {
      throw badField(what, `${key}[${i}]`, l, 'a [price, qty] pair of decimal strings');
    }
    if (l.length > 2) v[i] = [l[0], l[1]];
  }
  return v as [Dec, Dec][];
}

export function isInt(v: unknown): v is number {
  return Number.isSafeInteger(v);
}

/** How a hot-path handler reads each field, so that a failed fast check can say which field. */
export type FieldRule = 'str' | 'dec' | 'optDec' | 'int' | 'optInt' | 'bool' | 'levels';

/**
 * The precise error for a payload that failed a handler's combined fast check: the fields are
 * read again with the strict readers in `rules` order and the first complaint is returned.
 */
export function explain(o: Json, what: string, rules: Record<string, FieldRule>): FbError {
  try {
    for (const [key, rule] of Object.entries(rules)) {
      if (rule === 'str') str(o, key, what);
      else if (rule === 'dec') dec(o, key, what);
      else if (rule === 'optDec') optDec(o, key, what);
      else if (rule === 'int') int(o, key, what);
      else if (rule === 'optInt') optInt(o, key, what);
      else if (rule === 'bool') bool(o, key, what);
      else levels(o, key, what);
    }
  } catch (err) {
    if (hasErrorCode(err, 'E_PARSE')) return err;
    throw err;
  }
  return parseError(`binance-usdm ${what}: malformed payload`, EXCHANGE);
}

/** True for "0", "0.00000000" and the like; `s` is already known to be decimal text. */
export function isZeroDecimal(s: Dec): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 /* 0 */ && c !== 46 /* . */ && c !== 45 /* - */) return false;
  }
  return true;
}
