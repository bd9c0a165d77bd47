/**
 * Published recordings (`<site>/recordings/manifest.json`): the sessions a static site offers
 * for replay and backtest, each a run of closed segments copied under content-hashed names
 * (immutable, so a static host can cache them for good). Pure data and validation: the build
 * writes it (collector/publish/), the browser reads it (src/islands/sqlite/).
 *
 * A published segment is its catalog entry (core/catalog.ts) with `file` renamed to the hashed
 * copy, relative to the manifest's folder; so readers plan and play published sessions with the
 * same code as a recordings folder.
 */
import type { SegmentEntry } from './catalog.ts';
import { FbError } from './errors.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface PublishedSession {
  /** A pin's name, `recent`, or `sample`: letters, digits, ".", "_", "-" (safe in a URL and a shell). */
  name: string;
  /** First segment's start and last segment's end (exclusive), epoch ms. */
  from: number;
  to: number;
  /** Unified markets with events, sorted (only these when `site.publish.markets` narrows them). */
  markets: string[];
  /**
   * True when `site.publish.markets` narrowed `markets`: segments are copied whole, so readers
   * play only these markets' events (and `events`, `bytes` count every market).
   */
  narrowed?: boolean;
  events: number;
  /** Compressed bytes of the session's segments. */
  bytes: number;
  /** Gap events recorded in the session. */
  gaps: number;
  /** In play order; each closed (open: false, sha256 set). */
  segments: SegmentEntry[];
}

export interface PublishedManifest {
  version: number;
  /** When it was written, epoch ms. */
  generated: number;
  sessions: PublishedSession[];
}

const NAME = /^[A-Za-z0-9._-]+$/;

/** `json` checked as a manifest; `name` names the file in the message. */
export function parseManifest(json: string, name: string): PublishedManifest {
  const bad = (what: string) =>
    new FbError('E_MANIFEST', `${name} is not a futuresboard recordings manifest (${what}); publish the site again`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw bad(`invalid JSON: ${(err as Error).message}`);
  }
  const m = raw as Partial<PublishedManifest>;
  if (typeof m !== 'object' || m === null) throw bad('not an object');
  if (m.version !== MANIFEST_VERSION) throw bad(`version ${String(m.version)}, this build reads ${MANIFEST_VERSION}`);
  if (!Array.isArray(m.sessions)) throw bad('sessions must be a list');
  m.sessions.forEach((s, i) => {
    if (typeof s?.name !== 'string' || !NAME.test(s.name)) throw bad(`sessions[${i}].name must be a plain name`);
    if (!Array.isArray(s.segments) || s.segments.length === 0) throw bad(`sessions[${i}] (${s.name}) has no segments`);
    s.segments.forEach((g, j) => {
      if (
        typeof g?.file !== 'string' ||
        g.file.includes('/') ||
        !Number.isSafeInteger(g.from) ||
        !Number.isSafeInteger(g.to) ||
        typeof g.sha256 !== 'string'
      )
        throw bad(`sessions[${i}].segments[${j}] needs a plain file name, from, to and sha256`);
    });
  });
  return { version: m.version, generated: Number(m.generated ?? 0), sessions: m.sessions };
}
