/**
 * Decimal text from integers: synthetic prices and sizes are kept as integer counts of
 * 10^-dp units, so the text we send is exact and cheap to build (no float formatting).
 */
const POW10 = Array.from({ length: 19 }, (_, i) => 10 ** i);
const ZEROS = Array.from({ length: 19 }, (_, i) => '0'.repeat(i));

/** `units` × 10^-dp as fixed-point text with exactly `dp` decimals, e.g. (6511430, 2) → "65114.30". */
export function fixed(units: number, dp: number): string {
  if (dp === 0) return String(units);
  const neg = units < 0;
  const u = neg ? -units : units;
  const p = POW10[dp];
  const int = Math.floor(u / p);
  const frac = String(u - int * p);
  return (neg ? '-' : '') + int + '.' + ZEROS[dp - frac.length] + frac;
}

/** Like `fixed` but without trailing zeros (OKX style: "30316", "43568.8"). */
export function trimmed(units: number, dp: number): string {
  const s = fixed(units, dp);
  if (dp === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Round a float to `dp` decimals as text (derived values such as USD notionals). */
export function fromFloat(x: number, dp: number): string {
  return fixed(Math.round(x * POW10[dp]), dp);
}

export function pow10(dp: number): number {
  return POW10[dp];
}
