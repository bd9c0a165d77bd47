/**
 * OKX contracts to base units, exactly.
 *
 * - Linear (BTC-USDT-SWAP, ctVal 0.01 BTC): base = sz × ctVal.
 * - Inverse (BTC-USD-SWAP, ctVal 100 USD): one contract is worth ctVal USD, so
 *   base = sz × ctVal / price, using the price of the same trade, level or liquidation; rounded
 *   half-up to INVERSE_SCALE fraction digits, as the quotient rarely terminates.
 *   With no price at hand (`null`) an inverse size cannot be converted: E_PARSE.
 *
 * This runs for every size of every frame (ten per books5 push), so the common cases take
 * fast paths that give the same text as core/decimal.ts (property-tested against it):
 * a ctVal that is a power of ten moves the decimal point, and an inverse quotient small enough
 * for exact double arithmetic is long-divided with Numbers. Anything else uses mulDec/divDec.
 */
import { divDec, mulDec } from '../../../core/decimal.ts';
import type { Instrument } from '../../../core/instruments.ts';
import { fail } from './fields.ts';

/** 12 digits: well below a satoshi (1e-8) and exact for every realistic contract count. */
export const INVERSE_SCALE = 12;

export function contractsToBase(inst: Instrument, sz: string, price: string | null, ctx: string): string {
  const value = contractValue(inst, sz);
  if (!inst.inverse) return value;
  if (price === null || !isPositiveDecimal(price)) {
    fail(`${ctx}: no usable price (${String(price)}) to size inverse contracts of ${inst.symbol}`);
  }
  return divideSmall(value, price, INVERSE_SCALE) ?? divDec(value, price, INVERSE_SCALE);
}

/** sz × ctVal (base units for linear, USD for inverse). */
function contractValue(inst: Instrument, sz: string): string {
  const ctVal = inst.contract_size;
  if (ctVal === '1') return sz;
  const k = powerOfTen(ctVal);
  return k === null ? mulDec(sz, ctVal) : shiftDecimal(sz, k);
}

const exponents = new Map<string, number | null>();

/** k when `s` is 10^k written plainly ("0.01" → -2, "1000" → 3), else null; memoized per ctVal. */
function powerOfTen(s: string): number | null {
  let k = exponents.get(s);
  if (k !== undefined) return k;
  const m = /^(?:1(0*)|0\.(0*)1)$/.exec(s);
  k = m ? (m[1] !== undefined ? m[1].length : -(m[2].length + 1)) : null;
  exponents.set(s, k);
  return k;
}

/** s × 10^k for decimal text, in mulDec's canonical form (no leading or trailing zeros). */
export function shiftDecimal(s: string, k: number): string {
  const neg = s.charCodeAt(0) === 45; /* - */
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const point = (dot < 0 ? body.length : dot) + k;
  let int: string;
  let frac: string;
  if (point <= 0) {
    int = '0';
    frac = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    int = digits + '0'.repeat(point - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, point);
    frac = digits.slice(point);
  }
  return canonical(neg, int, frac);
}

/**
 * a ÷ b half-up at `scale` digits for non-negative decimal text, by long division in doubles;
 * null when a number involved is too large for that to be exact (the caller then uses divDec).
 * With x < 2^52 and y < 2^49 every product and remainder stays under 2^53, and
 * Math.floor(r / y) cannot round up to the next integer (1/y is far above the quotient's ulp).
 * The result × 10^scale is built as one integer, exact while it stays under 2^53.
 */
export function divideSmall(a: string, b: string, scale: number): string | null {
  if (a.charCodeAt(0) === 45 /* - */) return null;
  const [x, xScale] = integerAndScale(a);
  const [y, yScale] = integerAndScale(b);
  const shift = scale + yScale - xScale; // result × 10^scale = (x / y) × 10^shift
  if (!(x < 2 ** 52) || !(y < 2 ** 49) || y === 0 || shift < 0) return null;
  let n = Math.floor(x / y);
  let r = x - n * y;
  for (let i = 0; i < shift; i++) {
    r *= 10;
    const d = Math.floor(r / y);
    r -= d * y;
    n = n * 10 + d;
  }
  if (2 * r >= y) n++; // half up
  if (!(n <= Number.MAX_SAFE_INTEGER)) return null;
  const all = String(n);
  const cut = all.length - scale;
  return cut > 0 ? canonical(false, all.slice(0, cut), all.slice(cut)) : canonical(false, '0', '0'.repeat(-cut) + all);
}

/** "123.45" → [12345, 2]; the integer may exceed 2^53 (callers check). */
function integerAndScale(s: string): [number, number] {
  const dot = s.indexOf('.');
  return dot < 0 ? [Number(s), 0] : [Number(s.slice(0, dot) + s.slice(dot + 1)), s.length - dot - 1];
}

function canonical(neg: boolean, int: string, frac: string): string {
  let i = 0;
  while (i < int.length - 1 && int.charCodeAt(i) === 48) i++;
  let j = frac.length;
  while (j > 0 && frac.charCodeAt(j - 1) === 48) j--;
  const text = j > 0 ? `${int.slice(i)}.${frac.slice(0, j)}` : int.slice(i);
  return neg && text !== '0' ? `-${text}` : text;
}

/** For already-validated decimal text: true when it has no sign and a non-zero digit. */
function isPositiveDecimal(s: string): boolean {
  if (s.charCodeAt(0) === 45 /* - */) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 48 && c <= 57) return true;
  }
  return false;
}
