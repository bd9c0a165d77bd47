/** Display formatting shared by the static pages and the islands (same text either way). */

const DASH = '—';

export function fmtNumber(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return DASH;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Prices keep significant digits: 65114.3, 0.01234. */
export function fmtPrice(v: number | null | undefined): string {
  if (v === null || v === undefined) return DASH;
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 1 : abs >= 1 ? 3 : abs >= 0.01 ? 5 : 7;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function fmtPct(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return DASH;
  return `${v > 0 ? '+' : ''}${v.toFixed(digits)}%`;
}

/** A funding rate (fraction per interval) as %: 0.0001 -> +0.0100%. */
export function fmtFunding(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : fmtPct(v * 100, 4);
}

/** Compact USD: $1.23B, $45.6M, $789K. */
export function fmtUsd(v: number | null | undefined): string {
  if (v === null || v === undefined) return DASH;
  const abs = Math.abs(v);
  const sign = v < 0 ? '-' : '';
  for (const [div, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (abs >= div) return `${sign}$${(abs / div).toFixed(2)}${suffix}`;
  }
  return `${sign}$${abs.toFixed(0)}`;
}

/** Epoch ms -> `2025-11-25 06:00:00 UTC` (UTC so build output and browsers agree). */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Seconds or ms durations as `3h 05m`, `42s`. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
