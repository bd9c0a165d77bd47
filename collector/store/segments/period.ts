/**
 * Segment periods: [from, from + periodMs) on UTC boundaries of the segment length, and the file
 * name of a closed segment, which is its period start in UTC (`seg-20261202T0500Z.sqlite.gz`).
 */

/** Start of the period holding `ts`. Epoch 0 is a UTC midnight, so whole minutes, hours and days align. */
export const periodStart = (ts: number, periodMs: number): number => Math.floor(ts / periodMs) * periodMs;

/**
 * A period start in UTC as segment and raw archive file names spell it (20261202T0500Z). Periods
 * shorter than a minute exist only in tests; they add seconds and milliseconds to stay unique.
 */
export function utcStamp(from: number): string {
  const iso = new Date(from).toISOString(); // 2026-12-02T05:00:12.345Z
  const minute = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return from % 60_000 === 0 ? `${minute}Z` : `${minute}${iso.slice(17, 19)}.${iso.slice(20, 23)}Z`;
}

/** The closed segment's name (without `.sqlite.gz`) for the period starting at `from`. */
export const segmentName = (from: number): string => `seg-${utcStamp(from)}`;

export const SEGMENT_SUFFIX = '.sqlite.gz';
