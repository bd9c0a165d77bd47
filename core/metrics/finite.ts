/**
 * A figure as the engine hands it out: finite or null (never NaN or ±Infinity, which JSON and
 * SQLite would not keep), and never −0 (SQLite stores −0 as 0; normalising here means a row
 * read back from the database equals the row produced live).
 */
export const fin = (x: number): number | null => (Number.isFinite(x) ? x + 0 : null);

/** A sum that is always finite (flows): only −0 is normalised. */
export const flow = (x: number): number => x + 0;
