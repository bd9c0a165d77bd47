/**
 * Loose values (SQLite cells, relay JSON) to display values. Decimal text becomes a number only
 * here, for showing and charting; nothing converted here is ever stored.
 */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** An object, or JSON text of one; anything else (including malformed JSON) is `{}`. */
export function jsonObject(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      return jsonObject(JSON.parse(v));
    } catch {
      return {};
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
