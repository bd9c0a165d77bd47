/**
 * Which closed segments a static site publishes, and under which names: a pure decision over
 * the recordings folder's catalog (and the bundled sample's), so `futuresboard publish`, the
 * site build and the recordings page agree, and tests need no disk.
 *
 * - a pin (`site.publish.sessions`): the closed segments overlapping [pin.from, pin.to);
 * - `recent`: the closed segments that ended within `site.publish.recent` of the LAST closed
 *   segment's end. Anchored on the recording, not the wall clock: a site built a week after the
 *   collector stopped still has its recent session.
 * - `sample`: every closed segment of the bundled sample session, when `site.publish.sample`
 *   says so (null: only when no pin and no recent window is asked for, so a trader's site does
 *   not open on the sample).
 *
 * Segments are published whole under content-hashed names (`seg-….<sha256[0:16]>.sqlite.gz`):
 * immutable files a static host may cache for good. The open (hot) database never is.
 */
import { basename, join } from 'node:path';
import { sortSegments, type Catalog, type SegmentEntry } from '../../core/catalog.ts';
import { FbError } from '../../core/errors.ts';
import type { PublishedSession } from '../../core/published.ts';
import type { PublishConfig } from '../config/schema.ts';
import { SEGMENT_SUFFIX } from '../store/segments/period.ts';
import { overlapsPin } from '../store/segments/retention.ts';

/** A recordings folder and its catalog. */
export interface PublishSource {
  dir: string;
  catalog: Catalog;
}

export interface PlanInput {
  options: PublishConfig;
  /** The trader's recordings folder, or null when there is none. */
  recordings: PublishSource | null;
  /** The bundled sample session's folder, or null when it is absent. */
  sample: PublishSource | null;
}

/** Where a published file comes from, and what its bytes must hash to. */
export interface PublishedFile {
  source: string;
  sha256: string;
  bytes: number;
}

export interface PublishPlan {
  /** As the manifest lists them: segments carry their published file names. */
  sessions: PublishedSession[];
  /** Published file name -> its source; a segment shared by two sessions is listed once. */
  files: Map<string, PublishedFile>;
  /** What was asked for but skipped, one line each (the build and the CLI print them). */
  notes: string[];
}

/** `seg-20261202T0700Z.sqlite.gz` -> `seg-20261202T0700Z.<first 16 hex of sha256>.sqlite.gz`. */
export function publishedName(entry: SegmentEntry): string {
  const name = basename(entry.file);
  const stem = name.endsWith(SEGMENT_SUFFIX) ? name.slice(0, -SEGMENT_SUFFIX.length) : name;
  return `${stem}.${entry.sha256!.slice(0, 16)}${SEGMENT_SUFFIX}`;
}

/** Closed, hashed segments in play order. */
const closedSegments = (c: Catalog): SegmentEntry[] => sortSegments(c.segments.filter((s) => !s.open && s.sha256));

/** The closed segments whose period ended within `ms` of the last closed segment's end. */
function recentSegments(c: Catalog, ms: number): SegmentEntry[] {
  const closed = closedSegments(c);
  const anchor = closed.at(-1)?.to ?? 0;
  return closed.filter((s) => s.to > anchor - ms);
}

/** Whether the bundled sample is published: as configured, else only when nothing else is asked for. */
const wantsSample = (o: PublishConfig): boolean => o.sample ?? (o.sessions.length === 0 && o.recent === null);

interface Picked {
  name: string;
  source: PublishSource;
  segments: SegmentEntry[];
  /** Narrow the markets to `site.publish.markets` (the trader's sessions, not the sample). */
  narrow: boolean;
}

function pinned(o: PublishConfig, rec: PublishSource | null): Picked[] {
  if (o.sessions.length === 0) return [];
  if (!rec)
    throw new FbError(
      'E_CONFIG',
      `site.publish.sessions names ${o.sessions.join(', ')} but there is no recordings folder; set store.dir (or pass --recordings) to the folder holding the pins`,
    );
  return o.sessions.map((name) => {
    const pin = rec.catalog.pins.find((p) => p.name === name);
    if (!pin) {
      const known = rec.catalog.pins.map((p) => p.name);
      throw new FbError(
        'E_CONFIG',
        `site.publish.sessions: no pin named ${name} in ${rec.dir}; ${known.length ? `its pins are ${known.join(', ')}` : 'it has no pins'} (\`futuresboard recordings pin\` adds one)`,
      );
    }
    return {
      name,
      source: rec,
      segments: closedSegments(rec.catalog).filter((s) => overlapsPin(s, [pin])),
      narrow: true,
    };
  });
}

function summary(p: Picked, markets: readonly string[] | null): PublishedSession {
  const recorded = [...new Set(p.segments.flatMap((s) => s.markets))].sort();
  const sum = (f: (s: SegmentEntry) => number) => p.segments.reduce((n, s) => n + f(s), 0);
  return {
    name: p.name,
    from: p.segments[0].from,
    to: p.segments.at(-1)!.to,
    markets: p.narrow && markets ? recorded.filter((m) => markets.includes(m)) : recorded,
    narrowed: p.narrow && markets !== null,
    events: sum((s) => s.events),
    bytes: sum((s) => s.bytes),
    gaps: sum((s) => s.kinds?.gap ?? 0),
    segments: p.segments.map((s) => ({ ...s, file: publishedName(s) })),
  };
}

/** The sessions `input.options` asks for, their published segment names and sources. */
export function planPublish(input: PlanInput): PublishPlan {
  const { options: o, recordings: rec } = input;
  const notes: string[] = [];
  const picked = pinned(o, rec);
  if (o.recent !== null) {
    if (rec)
      picked.push({ name: 'recent', source: rec, segments: recentSegments(rec.catalog, o.recent), narrow: true });
    else notes.push('site.publish.recent: no recordings folder (set store.dir), so no recent session');
  }
  if (wantsSample(o)) {
    if (input.sample)
      picked.push({
        name: 'sample',
        source: input.sample,
        segments: closedSegments(input.sample.catalog),
        narrow: false,
      });
    else notes.push('the bundled sample session is not in this checkout, so it is not published');
  }
  const names = picked.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice)
    throw new FbError(
      'E_CONFIG',
      `site.publish: two sessions would be named ${twice} (a pin and the ${twice} session); pin the period again under another name and publish that`,
    );

  const built = picked
    .filter((p) => {
      if (p.segments.length === 0) notes.push(`session ${p.name}: no closed segment yet, not published`);
      return p.segments.length > 0;
    })
    .map((p) => ({ p, session: summary(p, o.markets) }));
  const unrecorded = unrecordedMarkets(o.markets, built);
  if (unrecorded) notes.push(unrecorded);
  const kept = built.filter(({ p, session: s }) => {
    const none = p.narrow && o.markets !== null && s.markets.length === 0;
    if (none) notes.push(`session ${s.name}: none of site.publish.markets recorded, not published`);
    return !none;
  });

  const files = new Map<string, PublishedFile>();
  for (const { p, session } of kept)
    session.segments.forEach((g, i) =>
      files.set(g.file, { source: join(p.source.dir, p.segments[i].file), sha256: g.sha256!, bytes: g.bytes }),
    );
  return { sessions: kept.map((k) => k.session), files, notes };
}

/**
 * A market in site.publish.markets that no narrowed session recorded: likely a typo, or a market
 * the collector stopped recording. A note, not an error, so a deploy does not break on it.
 */
function unrecordedMarkets(
  markets: readonly string[] | null,
  built: { p: Picked; session: PublishedSession }[],
): string | null {
  const narrowed = built.filter((b) => b.p.narrow);
  if (!markets || narrowed.length === 0) return null;
  const recorded = [...new Set(narrowed.flatMap((b) => b.p.segments.flatMap((s) => s.markets)))].sort();
  const unknown = markets.filter((m) => !recorded.includes(m));
  return unknown.length
    ? `site.publish.markets: ${unknown.join(', ')} not recorded in the published sessions; they have ${recorded.join(', ') || 'no markets'}`
    : null;
}
