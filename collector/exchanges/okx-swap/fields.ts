/**
 * Typed reads of OKX JSON fields. Every failure throws ParseError naming the channel and the
 * field, so the connection can count and log it. Checks are char-code loops (no regex per field)
 * because they run for every price and size of every frame.
 */
import { ParseError } from '../types.ts';

export type Rec = Record<string, unknown>;

export function fail(message: string): never {
  throw new ParseError(message, 'okx-swap');
}

/**
 * Plain decimal text: optional '-', digits, optional '.' and digits ("65114.30", "-0.0001").
 * The same grammar as core/decimal.ts, so anything accepted here is safe for mulDec/divDec.
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

export function asRecord(v: unknown, what: string): Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Rec;
}

export function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(`${what} is not an array`);
  return v;
}

/** A required non-empty string field. */
export function str(o: Rec, key: string, ctx: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') fail(`${ctx}: ${key} missing or not a string`);
  return v;
}

/** A required decimal string. */
export function dec(o: Rec, key: string, ctx: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${ctx}: ${key} missing or not a string`);
  if (!isDecimalText(v)) fail(`${ctx}: ${key} ${JSON.stringify(v)} is not a decimal`);
  return v;
}

/** A decimal string that OKX may leave out or send as "" (e.g. nextFundingRate): null then. */
export function optDec(o: Rec, key: string, ctx: string): string | null {
  const v = o[key];
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string' || !isDecimalText(v)) fail(`${ctx}: ${key} ${JSON.stringify(v)} is not a decimal`);
  return v;
}

/** A decimal from a positional array (book levels, rubik rows). */
export function decAt(row: unknown[], index: number, ctx: string): string {
  const v = row[index];
  if (typeof v !== 'string' || !isDecimalText(v)) fail(`${ctx}[${index}] ${JSON.stringify(v)} is not a decimal`);
  return v;
}

/** Epoch milliseconds; OKX sends them as digit strings ("1646312440645"). */
export function ms(o: Rec, key: string, ctx: string): number {
  return msValue(o[key], `${ctx}: ${key}`);
}

export function msValue(v: unknown, what: string): number {
  if (typeof v === 'string' ? isMillisText(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return Number(v);
  fail(`${what} ${JSON.stringify(v)} is not epoch milliseconds`);
}

/** 1 to 16 digits: epoch ms as text, nothing Number() would also accept ("1e3", "0x1f", " 12"). */
function isMillisText(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 16) return false;
  for (let i = 0; i < n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** An optional JSON integer: seqId, prevSeqId (-1 marks a snapshot), checksum. */
export function optInt(o: Rec, key: string, ctx: string): number | null {
  const v = o[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${ctx}: ${key} ${JSON.stringify(v)} is not an integer`);
  return v;
}

/** Data items carry instId on most channels; `books` items only in the arg. */
export function instIdOf(item: Rec, arg: Rec, ctx: string): string {
  const id = item.instId ?? arg.instId;
  if (typeof id !== 'string' || id === '') fail(`${ctx}: instId missing`);
  return id;
}
