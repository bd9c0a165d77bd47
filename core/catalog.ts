/**
 * The recording store's catalog (`<store.dir>/catalog.json`): every segment of a segmented
 * recording, closed or open, and the pinned named sessions that retention must keep. Pure data
 * and validation here (the browser reads published manifests built from it); reading and the
 * atomic write live in replay/adapters/catalog-file.ts.
 *
 * A segment covers the receipt-time period [from, to) (epoch ms, UTC boundaries) and the seq
 * range [seq_from, seq_to]. Closed segments are immutable gzip-compressed SQLite files; an open
 * one is the collector's live (hot) database or a segment being closed, read in place.
 */
import { FbError } from './errors.ts';

export const CATALOG_FILE = 'catalog.json';
export const CATALOG_VERSION = 1;

export interface SegmentEntry {
  /** Path relative to the catalog's folder. */
  file: string;
  /** Period start, inclusive, epoch ms. */
  from: number;
  /** Period end, exclusive, epoch ms. */
  to: number;
  events: number;
  /** Size of `file` in bytes (compressed size for a closed segment). */
  bytes: number;
  /** sha256 (hex) of `file`'s bytes; null while open. */
  sha256: string | null;
  /** Unified markets with events in the segment, sorted. */
  markets: string[];
  /** True for the hot database and a segment still being closed. */
  open: boolean;
  /** First and last `seq` of the segment's events (null when it has none). */
  seq_from: number | null;
  seq_to: number | null;
  /** Events per kind. */
  kinds: Record<string, number>;
}

export interface PinnedSession {
  name: string;
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** When it was pinned, epoch ms. */
  pinned_ts: number;
}

export interface Catalog {
  version: number;
  /** Segment length the collector rolls over on ("1m", "5m", "15m", "1h", "1d"). */
  segment: string;
  /** Ordered by `from` (then seq): the order readers play them. */
  segments: SegmentEntry[];
  pins: PinnedSession[];
}

export const emptyCatalog = (segment: string): Catalog => ({
  version: CATALOG_VERSION,
  segment,
  segments: [],
  pins: [],
});

/** The catalog in `json`, checked field by field; `name` names the file in the message. */
export function parseCatalog(json: string, name: string): Catalog {
  const bad = (what: string) =>
    new FbError(
      'E_CATALOG',
      `${name} is not a futuresboard recordings catalog (${what}); restore it or remove the folder`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw bad(`invalid JSON: ${(err as Error).message}`);
  }
  const c = raw as Partial<Catalog>;
  if (typeof c !== 'object' || c === null) throw bad('not an object');
  if (c.version !== CATALOG_VERSION) throw bad(`version ${String(c.version)}, this build reads ${CATALOG_VERSION}`);
  if (!Array.isArray(c.segments)) throw bad('segments must be a list');
  c.segments.forEach((s, i) => {
    if (typeof s?.file !== 'string' || !Number.isSafeInteger(s.from) || !Number.isSafeInteger(s.to))
      throw bad(`segments[${i}] needs file, from and to`);
  });
  return { version: c.version, segment: String(c.segment ?? ''), segments: c.segments, pins: c.pins ?? [] };
}

/** Segments in play order: by period, then by seq. */
export function sortSegments(segments: readonly SegmentEntry[]): SegmentEntry[] {
  return [...segments].sort((a, b) => a.from - b.from || (a.seq_from ?? 0) - (b.seq_from ?? 0));
}

/**
 * The highest seq the closed segments hold (0 when none): where a new hot database continues,
 * and the hot rows up to it that readers skip (already in a segment). Open entries do not count:
 * their rows are still hot.
 */
export const catalogMaxSeq = (c: Catalog): number =>
  Math.max(0, ...c.segments.filter((s) => !s.open).map((s) => s.seq_to ?? 0));
