/**
 * Recordings played segment by segment (replay/player/stream.ts): a session published on the
 * site (manifest.json and its hashed segments, fetched as the replay reaches them) or a folder of
 * local files (catalog.json and its segments, or segment files picked together). Nothing but
 * the manifest or catalog is read up front; the summary comes from their entries.
 */
import type { SqlJsStatic } from 'sql.js';
import { parseCatalog, sortSegments, type SegmentEntry } from '../../../core/catalog.ts';
import { FbError } from '../../../core/errors.ts';
import { parseManifest, MANIFEST_FILE } from '../../../core/published.ts';
import type { StreamedPart } from '../../../replay/player/stream.ts';
import { summarizeEvents } from '../../../replay/player/read-events.ts';
import { openCheckedDb, pricedMarkets } from './open-recording.ts';
import type { PlayWindow, RecordingSummary } from './protocol.ts';
import { sessionSummary, sessionWindow, streamedHandle, type RecordingHandle } from './recording-handle.ts';
import { fetchBytes, segmentSqlite } from './segment-bytes.ts';

export interface StreamContext {
  SQL: SqlJsStatic;
  maxBytes: number;
  window: PlayWindow;
}

/** A segment's part: `read` gives its raw (compressed) bytes when the stream needs them. */
function segmentPart(
  ctx: StreamContext,
  entry: SegmentEntry,
  name: string,
  read: () => Promise<Uint8Array>,
): StreamedPart {
  return {
    name,
    entry,
    load: async () => {
      const bytes = await segmentSqlite(await read(), name, entry.sha256, ctx.maxBytes);
      return () => ({ db: openCheckedDb(ctx.SQL, bytes, name) });
    },
  };
}

/** Session `session` of the manifest at `manifestUrl`; its segments are fetched from beside it. */
export async function openPublished(
  ctx: StreamContext,
  manifestUrl: string,
  session: string,
): Promise<RecordingHandle> {
  const base = new URL(manifestUrl, location.href);
  const text = new TextDecoder().decode(await fetchBytes(base.href, MANIFEST_FILE));
  const manifest = parseManifest(text, base.pathname);
  const s = manifest.sessions.find((x) => x.name === session);
  if (!s)
    throw new FbError(
      'E_MANIFEST',
      `this site publishes no session named ${session} (it has: ${manifest.sessions.map((x) => x.name).join(', ') || 'none'})`,
    );
  const parts = s.segments.map((entry) =>
    segmentPart(ctx, entry, entry.file, () => fetchBytes(new URL(entry.file, base).href, entry.file)),
  );
  return streamedHandle(parts, sessionSummary(s), sessionWindow(s, ctx.window));
}

const baseName = (f: File) => f.name;
const fileBytes = async (f: File) => new Uint8Array(await f.arrayBuffer());

/**
 * Local files picked together: a recordings folder (catalog.json, its closed segments and the hot
 * database), or segment files and recording files without a catalog, played in name order (segment
 * names sort by period). Files without a catalog entry are counted now, one at a time.
 */
export async function openFolder(ctx: StreamContext, files: File[]): Promise<RecordingHandle> {
  const byName = new Map(files.map((f) => [baseName(f), f]));
  const catalogFile = byName.get('catalog.json');
  const parts: StreamedPart[] = [];
  const counted: { events: number; first: number | null; last: number | null; markets: string[] }[] = [];

  const loose = (file: File, afterSeq?: number): StreamedPart => ({
    name: file.name,
    load: async () => {
      const bytes = await segmentSqlite(await fileBytes(file), file.name, null, ctx.maxBytes);
      return () => ({ db: openCheckedDb(ctx.SQL, bytes, file.name), afterSeq });
    },
  });
  const count = async (part: StreamedPart) => {
    const opened = (await part.load())();
    try {
      const s = summarizeEvents(opened.db, { afterSeq: opened.afterSeq });
      counted.push({ events: s.count, first: s.first_ts, last: s.last_ts, markets: pricedMarkets(opened.db) });
    } finally {
      opened.db.close();
    }
  };

  let closed: SegmentEntry[] = [];
  if (catalogFile) {
    const catalog = parseCatalog(await catalogFile.text(), 'catalog.json');
    closed = sortSegments(catalog.segments.filter((s) => !s.open));
    const closedThrough = Math.max(0, ...closed.map((s) => s.seq_to ?? 0));
    for (const entry of closed) {
      const file = byName.get(entry.file);
      if (!file)
        throw new FbError(
          'E_CATALOG',
          `catalog.json lists ${entry.file} but it was not among the files picked; pick the whole folder`,
        );
      parts.push(segmentPart(ctx, entry, entry.file, () => fileBytes(file)));
    }
    for (const entry of catalog.segments.filter((s) => s.open)) {
      const file = byName.get(entry.file);
      if (!file) continue;
      const part = loose(file, closedThrough > 0 ? closedThrough : undefined);
      await count(part);
      parts.push(part);
    }
  } else {
    const names = [...byName.keys()].sort();
    for (const name of names.filter((n) => n.endsWith('.gz'))) parts.push(loose(byName.get(name) as File));
    for (const name of names.filter((n) => /\.(sqlite3?|db)$/.test(n))) parts.push(loose(byName.get(name) as File));
    for (const part of parts) await count(part);
  }
  if (!parts.length)
    throw new FbError(
      'E_NOT_RECORDING',
      'none of the files picked is a recording (.sqlite, .db or a segment .sqlite.gz)',
    );
  const firsts = [...closed.map((s) => s.from), ...counted.map((c) => c.first)].filter((x): x is number => x !== null);
  const lasts = [...closed.map((s) => s.to), ...counted.map((c) => c.last)].filter((x): x is number => x !== null);
  const events = closed.reduce((n, s) => n + s.events, 0) + counted.reduce((n, c) => n + c.events, 0);
  if (events === 0) throw new FbError('E_EMPTY', 'the files picked hold no events');
  const summary: RecordingSummary = {
    name: catalogFile ? 'recordings folder' : `${parts.length} files`,
    bytes: files.reduce((n, f) => n + f.size, 0),
    segments: parts.length,
    events,
    firstTs: firsts.length ? Math.min(...firsts) : null,
    lastTs: lasts.length ? Math.max(...lasts) : null,
    markets: [...new Set([...closed.flatMap((s) => s.markets), ...counted.flatMap((c) => c.markets)])].sort(),
    schemaVersion: null,
  };
  return streamedHandle(parts, summary, ctx.window);
}
