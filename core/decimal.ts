/**
 * Exact decimal arithmetic on decimal text, for the few places where a stored quantity is
 * derived rather than copied (OKX contracts × ctVal). Uses BigInt so nothing drifts.
 */

const DECIMAL = /^-?(\d+)(\.\d+)?$/;

/** True when `s` is plain decimal text such as "65114.30" or "-0.0001". */
export function isDecimal(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL.test(s);
}

function split(s: string): { digits: bigint; scale: number } {
  if (!DECIMAL.test(s)) throw new RangeError(`not a decimal number: ${JSON.stringify(s)}`);
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot + 1);
  const digits = BigInt(int + frac);
  return { digits: neg ? -digits : digits, scale: frac.length };
}

function join(digits: bigint, scale: number): string {
  const neg = digits < 0n;
  let text = (neg ? -digits : digits).toString();
  if (scale > 0) {
    text = text.padStart(scale + 1, '0');
    text = `${text.slice(0, -scale)}.${text.slice(-scale)}`.replace(/\.?0+$/, '');
  }
  return neg && text !== '0' ? `-${text}` : text;
}

/** a × b, exact; trailing zeros of the fraction are dropped ("0.010" × "3" = "0.03"). */
export function mulDec(a: string, b: string): string {
  const x = split(a);
  const y = split(b);
  return join(x.digits * y.digits, x.scale + y.scale);
}

/** a ÷ b rounded half-up to `scale` fraction digits (used for inverse contracts). */
export function divDec(a: string, b: string, scale = 12): string {
  const x = split(a);
  const y = split(b);
  if (y.digits === 0n) throw new RangeError('division by zero');
  // a/b = (xd / 10^xs) / (yd / 10^ys); scale the numerator so the quotient has `scale` digits.
  const shift = scale + y.scale - x.scale;
  let num = x.digits * 10n ** BigInt(Math.max(shift, 0));
  let den = y.digits * 10n ** BigInt(Math.max(-shift, 0));
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  const rounded = 2n * (r < 0n ? -r : r) >= den ? q + (num < 0n ? -1n : 1n) : q;
  return join(rounded, scale);
}
