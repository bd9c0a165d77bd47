/**
 * A published session replayed in Node, as the browser's worker replays it: the same session
 * code (src/islands/sqlite/replay-session.ts) and the same streamed handle
 * (src/islands/sqlite/recording-handle.ts) over the same parts (replay/player/stream.ts), each
 * part the published file read from the site's folder, checked against its sha256, gunzipped and
 * opened by better-sqlite3 (replay/adapters/segment-file.ts) where the browser fetches it, checks
 * it, inflates it with DecompressionStream and opens it in sql.js.
 */
import type { PublishedSession } from '../core/published.ts';
import { openSegment } from '../replay/adapters/segment-file.ts';
import type { StreamedPart } from '../replay/player/stream.ts';
import type { PlayWindow } from '../src/islands/sqlite/protocol.ts';
import {
  sessionSummary,
  sessionWindow,
  streamedHandle,
  type RecordingHandle,
} from '../src/islands/sqlite/recording-handle.ts';
import { startReplay } from '../src/islands/sqlite/replay-session.ts';

/** Session `s` of the manifest in folder `dir` (the site's recordings/), narrowed to `window`. */
export function publishedHandle(dir: string, s: PublishedSession, window: PlayWindow): RecordingHandle {
  const parts: StreamedPart[] = s.segments.map((entry) => ({
    name: entry.file,
    entry,
    load: async () => {
      const db = openSegment(dir, entry);
      return () => ({ db });
    },
  }));
  return streamedHandle(parts, sessionSummary(s), sessionWindow(s, window));
}

/** Replay `window` of the session at max speed, as the page does with ?from=&to=&speed=max: events played and ms taken. */
export async function nodeReplay(
  dir: string,
  s: PublishedSession,
  window: PlayWindow,
): Promise<{ events: number; ms: number }> {
  const t = performance.now();
  const session = startReplay(publishedHandle(dir, s, window), { speed: 'max', startAt: null, warmupMs: 0 }, () => {});
  await session.done;
  return { events: session.player.status().emitted, ms: performance.now() - t };
}
