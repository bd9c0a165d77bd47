/**
 * Streamed parts (replay/player/stream.ts), the browser's way of reading published segments,
 * over a real recordings folder: each part is loaded asynchronously (as a fetch would be), and the
 * stream plays exactly the events the Node readers read from the same folder, in the same order,
 * holding at most two parts, for whole sessions and windows that cut segments.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, SegmentEntry } from '../../core/catalog.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { nodeScheduler } from '../../replay/adapters/node-scheduler.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openRecordingsDir } from '../../replay/adapters/recordings-dir.ts';
import { segmentBytes } from '../../replay/adapters/segment-file.ts';
import { recordingEvents } from '../../replay/player/parts.ts';
import { createReplayPlayer } from '../../replay/player/player.ts';
import { forEachStreamed, streamEvents, type StreamedPart } from '../../replay/player/stream.ts';
import { syntheticFolder } from '../helpers/recordings-folder.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fb-stream-');
const START = Date.UTC(2025, 5, 13, 8);
const PERIOD = 60_000;
const rec = join(dir, 'rec');
let catalog: Catalog;

beforeAll(async () => {
  ({ catalog } = await syntheticFolder(dir, {
    events: 12_000,
    markets: 4,
    rate: 40,
    start: START,
    seed: 9,
    periodMs: PERIOD,
    hotPeriods: 0,
  }));
});

const closed = (): SegmentEntry[] => catalog.segments.filter((s) => !s.open);

/** Parts loaded a turn of the event loop later, as fetched segments are; counts what is held. */
function fetchedParts(held: { now: number; max: number; loads: number }, fail?: string): StreamedPart[] {
  return closed().map((entry) => ({
    name: entry.file,
    entry,
    load: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (entry.file === fail) throw new Error(`${entry.file}: HTTP 404`);
      held.loads++;
      held.max = Math.max(held.max, ++held.now);
      const bytes: Buffer | null = segmentBytes(rec, entry);
      return () => {
        const raw = new Database(bytes, { readonly: true });
        const db = wrapNodeDb(raw);
        return {
          db: {
            ...db,
            close: () => {
              held.now--;
              db.close();
            },
          },
        };
      };
    },
  }));
}

const nodeEvents = (filter = {}) => [...recordingEvents(openRecordingsDir(rec), filter)];

async function streamed(filter = {}, held = { now: 0, max: 0, loads: 0 }): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  await forEachStreamed(streamEvents(fetchedParts(held), filter), (e) => out.push(e));
  return out;
}

describe('a stream of fetched segments', () => {
  it('plays the whole folder exactly as the Node reader does, holding at most two parts', async () => {
    expect(closed().length).toBeGreaterThanOrEqual(4);
    const held = { now: 0, max: 0, loads: 0 };
    const got = await streamed({}, held);
    expect(got.length).toBe(closed().reduce((n, s) => n + s.events, 0));
    expect(got).toEqual(nodeEvents());
    expect(held.loads).toBe(closed().length);
    expect(held.max).toBeLessThanOrEqual(2);
  });

  it('loads only the segments a window needs, and cuts the ones it crosses by receipt time', async () => {
    const [, second, third] = closed();
    const window = { from: second.from + 15_000, to: third.from + 20_000 };
    const held = { now: 0, max: 0, loads: 0 };
    const got = await streamed(window, held);
    expect(held.loads).toBe(2);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(nodeEvents(window));
  });

  it('drives the player at max speed to the same events, awaiting only at segment boundaries', async () => {
    const played: number[] = [];
    const player = createReplayPlayer({
      open: (from) => streamEvents(fetchedParts({ now: 0, max: 0, loads: 0 }), from === undefined ? {} : { from }),
      scheduler: nodeScheduler(),
      speed: 'max',
    });
    const status = await player.run((e) => played.push(e.seq));
    expect(status.done).toBe(true);
    expect(played).toEqual(nodeEvents().map((e) => e.seq));
  });

  it("rejects with the loader's error when a segment cannot be fetched, after the parts before it", async () => {
    const failing = closed()[2].file;
    const seen: RecordedEvent[] = [];
    await expect(
      forEachStreamed(streamEvents(fetchedParts({ now: 0, max: 0, loads: 0 }, failing)), (e) => seen.push(e)),
    ).rejects.toThrow(`${failing}: HTTP 404`);
    expect(seen.length).toBe(closed()[0].events + closed()[1].events);
  });
});
