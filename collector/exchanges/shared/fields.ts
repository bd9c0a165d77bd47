/**
 * The field-reading vocabulary of every exchange parser: `dec(o, key, ctx)` and its siblings
 * return the field typed or throw a parse error, so a malformed frame is counted and logged by
 * the connection instead of producing a half-filled event. `o` is an object (string keys) or an
 * array (index keys: a list item or a positional row); `ctx` names where `o` sits in the message.
 *
 * How a failure is worded is the exchange's own (its messages name fields its own way, and logs
 * and tests read them): each exchange binds the readers to its wording once, with
 * fieldReaders(), in its fields.ts. The message is only built on failure: the happy path is a
 * typeof check plus, for decimals, one char-code loop (they run for every price and size).
 */
import type { FbError } from '../../../core/errors.ts';
import type { Dec } from '../../../core/events.ts';

export type Json = Record<string, unknown>;

/** An object read by key or an array read by index. */
export type Fields = Json | readonly unknown[];

/** What a reader expected; the wording turns it into the exchange's own phrase. */
export type Expected = 'string' | 'decimal' | 'decimal or empty' | 'integer' | 'boolean' | 'object' | 'array';

/** An exchange's error for field `key` of `ctx` holding `value` where `expected` was due. */
export type Wording = (ctx: string, key: string | number, value: unknown, expected: Expected) => FbError;

export interface FieldReaders {
  /** A non-empty string. */
  str(o: Fields, key: string | number, ctx: string): string;
  /** Decimal text exactly as sent ("65114.30"); rejects numbers, "", "NaN", "1e5". */
  dec(o: Fields, key: string | number, ctx: string): Dec;
  /** A decimal that may be absent (undefined); present but malformed (even "") still throws. */
  optDec(o: Fields, key: string | number, ctx: string): Dec | undefined;
  /** A decimal, null for the "" an exchange sends for "not applicable", undefined when absent. */
  decOrEmpty(o: Fields, key: string | number, ctx: string): Dec | null | undefined;
  /** A JSON integer (ids, times, sequence numbers). */
  int(o: Fields, key: string | number, ctx: string): number;
  /** An integer that may be absent (undefined). */
  optInt(o: Fields, key: string | number, ctx: string): number | undefined;
  bool(o: Fields, key: string | number, ctx: string): boolean;
  /** A nested object (not an array, not null). */
  obj(o: Fields, key: string | number, ctx: string): Json;
  arr(o: Fields, key: string | number, ctx: string): unknown[];
}

function read(o: Fields, key: string | number): unknown {
  return (o as Record<string | number, unknown>)[key];
}

export function fieldReaders(complain: Wording): FieldReaders {
  return {
    str(o, key, ctx) {
      const v = read(o, key);
      if (typeof v === 'string' && v !== '') return v;
      throw complain(ctx, key, v, 'string');
    },
    dec(o, key, ctx) {
      const v = read(o, key);
      if (typeof v === 'string' && isDecimalText(v)) return v;
      throw complain(ctx, key, v, 'decimal');
    },
    optDec(o, key, ctx) {
      const v = read(o, key);
      if (v === undefined || (typeof v === 'string' && isDecimalText(v))) return v;
      throw complain(ctx, key, v, 'decimal');
    },
    decOrEmpty(o, key, ctx) {
      const v = read(o, key);
      if (v === undefined) return undefined;
      if (v === '') return null;
      if (typeof v === 'string' && isDecimalText(v)) return v;
      throw complain(ctx, key, v, 'decimal or empty');
    },
    int(o, key, ctx) {
      const v = read(o, key);
      if (Number.isSafeInteger(v)) return v as number;
      throw complain(ctx, key, v, 'integer');
    },
    optInt(o, key, ctx) {
      const v = read(o, key);
      if (v === undefined || Number.isSafeInteger(v)) return v as number | undefined;
      throw complain(ctx, key, v, 'integer');
    },
    bool(o, key, ctx) {
      const v = read(o, key);
      if (typeof v === 'boolean') return v;
      throw complain(ctx, key, v, 'boolean');
    },
    obj(o, key, ctx) {
      const v = read(o, key);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
      throw complain(ctx, key, v, 'object');
    },
    arr(o, key, ctx) {
      const v = read(o, key);
      if (Array.isArray(v)) return v;
      throw complain(ctx, key, v, 'array');
    },
  };
}

/**
 * Plain decimal text: optional '-', digits, optional '.' and digits ("65114.30", "-0.0001").
 * The grammar of core/decimal.ts, so anything accepted is safe for mulDec/divDec; a char-code
 * loop rather than its regex because it runs for every price and size of every frame.
 */
export function isDecimalText(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === intStart) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 46 /* . */) return false;
  const fracStart = ++i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i === n && i > fracStart;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
