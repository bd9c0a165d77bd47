/**
 * Compact, value-exact storage of the exchanges' decimal text and ids (schema v2, docs/schema.md
 * "Value codes"). Every code reads back as exactly the text the exchange sent, trailing zeros
 * included; text that has no code (exponent notation, more than 15 fraction digits, mantissas
 * past 2^48) is stored as the text itself, which SQLite's dynamic typing allows in the same
 * column. So nothing is ever rounded: a reader checks the value's type.
 *
 * Decimal code: sign · (mantissa · 16 + fraction digits), one SQLite integer: "64998.50" is
 * 6499850 · 16 + 2, 4 bytes on disk where its text took 8 (plus the length byte). SQL views undo
 * it with integer arithmetic (core/migrations/003_compact_store.sql).
 */

/** Fraction digits a code can carry (4 bits). */
const MAX_SCALE = 15;
/** Mantissa bound: keeps mantissa · 16 (and the book deltas below) inside a double's exact integers. */
const MAX_MANTISSA = 2 ** 48;

/** A decimal value as read back: an integer code, or the original text when it has no code. */
export type StoredDec = number | bigint | string;

/**
 * A decimal value to bind: the code as a BigInt, or the text. better-sqlite3 binds every JS
 * number as a REAL (8 bytes on disk); a BigInt is bound as an INTEGER, stored in 1 to 6 bytes. The
 * value columns have no type affinity, so SQLite never turns a text value into a number.
 */
export function encodeDec(s: string): bigint | string {
  const c = decCode(s);
  return typeof c === 'number' ? BigInt(c) : c;
}

/**
 * The code of decimal text `s`, or `s` itself when no code reproduces it exactly: canonical text
 * only ("-?(0|[1-9]digits)(.digits)?"), so "007", ".5", "1e-8" and "-0" keep their text.
 */
function decCode(s: string): number | string {
  const n = s.length;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) i = 1;
  if (i >= n || s.charCodeAt(i) === 46) return s; // "", "-", ".5"
  if (s.charCodeAt(i) === 48 && i + 1 < n && s.charCodeAt(i + 1) !== 46) return s; // leading zero
  let mantissa = 0;
  let scale = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (scale >= 0 || i === n - 1) return s;
      scale = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return s;
    mantissa = mantissa * 10 + d;
    if (scale >= 0) scale++;
  }
  if (scale < 0) scale = 0;
  if (scale > MAX_SCALE || mantissa >= MAX_MANTISSA) return s;
  if (neg && mantissa === 0) return s; // "-0.00" has no code: its sign would be lost
  const code = mantissa * 16 + scale;
  return neg ? -code : code;
}

/** Decimal text of a code from `encodeDec` (text passes through). */
export function decodeDec(stored: StoredDec): string {
  if (typeof stored === 'string') return stored;
  const v = Number(stored);
  const a = v < 0 ? -v : v;
  const scale = a % 16;
  const digits = String((a - scale) / 16);
  let text: string;
  if (scale === 0) text = digits;
  else {
    const padded = digits.length > scale ? digits : '0'.repeat(scale + 1 - digits.length) + digits;
    text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return v < 0 ? `-${text}` : text;
}

/** `encodeDec` for an optional value. */
export const encodeDecOrNull = (s: string | null | undefined): bigint | string | null =>
  s === null || s === undefined ? null : encodeDec(s);
/** `decodeDec` for an optional value. */
export const decodeDecOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : decodeDec(v as StoredDec);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COUNTER = /^(0|[1-9]\d{0,14})$/;

/**
 * An exchange's trade or liquidation id: an integer for counters (Binance, OKX), 16 bytes for a
 * lower-case UUID (Bybit), else the text.
 */
export function encodeId(id: string | null): bigint | Uint8Array | string | null {
  if (id === null) return null;
  if (COUNTER.test(id)) return BigInt(id);
  if (id.length === 36 && UUID.test(id)) {
    const hex = id.replaceAll('-', '');
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  return id;
}

export function decodeId(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) {
    let hex = '';
    for (const b of v) hex += b.toString(16).padStart(2, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return String(v);
}

export type Level = [price: string, qty: string];

/**
 * Book levels after the best one, as bytes: per side a count, then per level the price as a
 * zig-zag varint of (mantissa change since the level before) · 16 + fraction digits — a tick or
 * two, one byte — and the quantity (its mantissa when its scale is the previous quantity's).
 * The best level (stored in columns) is the starting point. Returns null when a value has no
 * code (the caller then stores the levels as JSON text).
 */
export function encodeDepth(bids: readonly Level[], asks: readonly Level[]): Uint8Array | null {
  const out = DEPTH_WRITER;
  out.reset();
  for (const side of [bids, asks]) {
    out.varint(side.length);
    if (side.length < 2) continue;
    const best = decCode(side[0][0]);
    const bestQty = decCode(side[0][1]);
    if (typeof best === 'string' || best < 0) return null;
    let prevMantissa = (best - (best % 16)) / 16;
    let prevScale = best % 16;
    let qtyScale = typeof bestQty === 'number' && bestQty >= 0 ? bestQty % 16 : -1;
    for (let i = 1; i < side.length; i++) {
      const p = decCode(side[i][0]);
      const q = decCode(side[i][1]);
      if (typeof p === 'string' || typeof q === 'string' || p < 0 || q < 0) return null;
      const scale = p % 16;
      const mantissa = (p - scale) / 16;
      out.varint(zigzag(mantissa - (scale === prevScale ? prevMantissa : 0)) * 16 + scale);
      // A quantity with the scale of the one before is its mantissa alone (· 2), else its code (· 2 + 1).
      const qScale = q % 16;
      out.varint(qScale === qtyScale ? ((q - qScale) / 16) * 2 : q * 2 + 1);
      prevMantissa = mantissa;
      prevScale = scale;
      qtyScale = qScale;
    }
  }
  return out.bytes();
}

/** The levels `encodeDepth` wrote, each side prefixed with its best level (stored in columns). */
export function decodeDepth(
  bytes: Uint8Array,
  bestBid: Level | null,
  bestAsk: Level | null,
  /** The best levels' stored codes ([price, qty] per side), when the caller has them: no re-parse of their text. */
  bestCodes?: readonly [StoredDec | null, StoredDec | null][],
): [Level[], Level[]] {
  const r = new ByteReader(bytes);
  const sides: [Level[], Level[]] = [[], []];
  const best = [bestBid, bestAsk];
  for (let s = 0; s < 2; s++) {
    const count = r.varint();
    const levels = sides[s];
    if (count === 0) continue;
    const first = best[s] as Level;
    levels.push(first);
    if (count < 2) continue;
    const firstCode = storedCode(bestCodes?.[s][0], first[0]) as number;
    const firstQty = storedCode(bestCodes?.[s][1], first[1]);
    let prevMantissa = (firstCode - (firstCode % 16)) / 16;
    let prevScale = firstCode % 16;
    let qtyScale = typeof firstQty === 'number' && firstQty >= 0 ? firstQty % 16 : -1;
    for (let i = 1; i < count; i++) {
      const v = r.varint();
      const scale = v % 16;
      const mantissa = (scale === prevScale ? prevMantissa : 0) + unzigzag((v - scale) / 16);
      const w = r.varint();
      const qty = w % 2 === 0 ? (w / 2) * 16 + qtyScale : (w - 1) / 2;
      levels.push([decodeDec(mantissa * 16 + scale), decodeDec(qty)]);
      prevMantissa = mantissa;
      prevScale = scale;
      qtyScale = qty % 16;
    }
  }
  return sides;
}

/** A stored code as a number, else the code of `text` (the code may be a BigInt when read with safe integers). */
const storedCode = (code: StoredDec | null | undefined, text: string): number | string =>
  typeof code === 'number' ? code : typeof code === 'bigint' ? Number(code) : decCode(text);

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Unsigned LEB128 varints of doubles' exact integers (up to 2^53), without 32-bit bitwise limits. */
class ByteWriter {
  private buf = new Uint8Array(64);
  private n = 0;
  varint(v: number): void {
    if (this.n + 8 > this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    while (v >= 128) {
      this.buf[this.n++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  reset(): void {
    this.n = 0;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** One buffer for every book written (encodeDepth is synchronous): a row costs only the copy it returns. */
const DEPTH_WRITER = new ByteWriter();

class ByteReader {
  private i = 0;
  constructor(private readonly buf: Uint8Array) {}
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.i >= this.buf.length) throw new RangeError('book levels are truncated');
      const b = this.buf[this.i++];
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
  }
}
