/**
 * One colour per alert tier (index = tier, 0 unused by the engine), shared by the tier badge, the
 * tier charts and the chart markers so a tier looks the same everywhere: Tremor colour names for
 * Tremor components, and the same colours' Tailwind 500 shades for the canvas chart.
 */
export const TIER_COLORS = ['gray', 'blue', 'violet', 'amber', 'orange', 'rose'] as const;

const HEX: Record<(typeof TIER_COLORS)[number], string> = {
  gray: '#6b7280',
  blue: '#3b82f6',
  violet: '#8b5cf6',
  amber: '#f59e0b',
  orange: '#f97316',
  rose: '#f43f5e',
};

/** The colour name of `tier`, clamped into 0..5. */
export const tierColor = (tier: number): (typeof TIER_COLORS)[number] =>
  TIER_COLORS[Math.max(0, Math.min(TIER_COLORS.length - 1, Math.trunc(tier) || 0))];

/** The same colour as a hex string, for canvas drawing. */
export const tierHex = (tier: number): string => HEX[tierColor(tier)];
