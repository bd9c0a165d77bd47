/**
 * One colour per alert tier (index = tier, 0 unused by the engine), shared by the tier badge, the
 * tier charts, the chart markers, the live toasts and the market table's highlight so a tier
 * looks the same everywhere: Tremor colour names for Tremor components, the same colours'
 * Tailwind 500 shades for the canvas chart, and literal Tailwind classes for plain elements
 * (Tailwind only generates classes it finds spelled out in the source).
 */
export const TIER_COLORS = ['gray', 'blue', 'violet', 'amber', 'orange', 'rose', 'cyan'] as const;
type TierColor = (typeof TIER_COLORS)[number];

/** The tiers the engine raises: 1–5 per market, 6 a cluster of tier ≤ 2 alerts. */
export const ALERT_TIERS = [1, 2, 3, 4, 5, 6] as const;

const HEX: Record<TierColor, string> = {
  gray: '#6b7280',
  blue: '#3b82f6',
  violet: '#8b5cf6',
  amber: '#f59e0b',
  orange: '#f97316',
  rose: '#f43f5e',
  cyan: '#06b6d4',
};

/** A toast's left edge. */
const ACCENT: Record<TierColor, string> = {
  gray: 'border-gray-500',
  blue: 'border-blue-500',
  violet: 'border-violet-500',
  amber: 'border-amber-500',
  orange: 'border-orange-500',
  rose: 'border-rose-500',
  cyan: 'border-cyan-500',
};

/** A highlighted table row: a tinted background with a ring of the tier's colour. */
const ROW: Record<TierColor, string> = {
  gray: 'bg-gray-100 ring-2 ring-inset ring-gray-400 dark:bg-gray-800/60',
  blue: 'bg-blue-50 ring-2 ring-inset ring-blue-400 dark:bg-blue-900/40',
  violet: 'bg-violet-50 ring-2 ring-inset ring-violet-400 dark:bg-violet-900/40',
  amber: 'bg-amber-50 ring-2 ring-inset ring-amber-400 dark:bg-amber-900/40',
  orange: 'bg-orange-50 ring-2 ring-inset ring-orange-400 dark:bg-orange-900/40',
  rose: 'bg-rose-50 ring-2 ring-inset ring-rose-400 dark:bg-rose-900/40',
  cyan: 'bg-cyan-50 ring-2 ring-inset ring-cyan-400 dark:bg-cyan-900/40',
};

/** The colour name of `tier`, clamped into 0..6: a tier the site does not know yet takes the nearest. */
export const tierColor = (tier: number): TierColor =>
  TIER_COLORS[Math.max(0, Math.min(TIER_COLORS.length - 1, Math.trunc(tier) || 0))];

/** The same colour as a hex string, for canvas drawing. */
export const tierHex = (tier: number): string => HEX[tierColor(tier)];

/** The border colour class for an element keyed by tier (the toast's left edge). */
export const tierAccentClass = (tier: number): string => ACCENT[tierColor(tier)];

/** Background and ring classes for a table row highlighted by an alert of `tier`. */
export const tierRowClass = (tier: number): string => ROW[tierColor(tier)];
