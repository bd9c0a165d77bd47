/**
 * The site is built from the demo's recordings folder when there is one: its hot database for
 * the live tables, and its catalog for what the closed segments hold. A folder of closed segments
 * only (the bundled sample session) stands in with its newest segment.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog, updateCatalog } from '../../replay/adapters/catalog-file.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { buildRecordingsFolder } from '../../test/helpers/recordings-folder.ts';
import { FIXTURE_DB } from '../../test/replay/make-fixture-db.ts';
import { openSource } from './open-source.ts';

describe('openSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-site-source-'));
  afterAll(() => {
    delete process.env.FUTURESBOARD_SITE_DB;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A recordings folder of 1-minute segments made from the fixture recording, and its closed segments. */
  async function folderOf(name: string) {
    const src = join(dir, `${name}.sqlite`);
    copyFileSync(FIXTURE_DB, src);
    const folder = join(dir, name);
    await buildRecordingsFolder(src, folder, { periodMs: 60_000 });
    return { folder, closed: readCatalog(folder).segments.filter((s) => !s.open) };
  }

  it("reads a recordings folder's hot database and reports the closed segments from its catalog", async () => {
    const { folder, closed } = await folderOf('recordings');
    expect(closed.length).toBeGreaterThan(0);
    process.env.FUTURESBOARD_SITE_DB = join(folder, 'hot.db');
    const opened = openSource();
    opened.db?.close();
    expect(opened.source.recordings).toEqual({
      segments: closed.length,
      events: closed.reduce((n, s) => n + s.events, 0),
      from: Math.min(...closed.map((s) => s.from)),
    });
  });

  it('reads a folder of closed segments only (the bundled sample session) through its newest segment', async () => {
    const { folder, closed } = await folderOf('closed');
    // Without its hot database, as `simulate --write` leaves a folder.
    rmSync(join(folder, 'hot.db'));
    updateCatalog(folder, (c) => ({ ...c, segments: closed }));
    const newest = closed.at(-1)!;
    process.env.FUTURESBOARD_SITE_DB = folder;
    const opened = openSource();
    const seqs = opened.db ? [...readEvents(opened.db)].map((e) => e.seq) : [];
    opened.db?.close();
    expect(opened.source).toMatchObject({ kind: 'database', path: folder, note: null });
    expect(opened.source.recordings).toMatchObject({ segments: closed.length, from: closed[0].from });
    expect(seqs).toEqual(Array.from({ length: newest.events }, (_, i) => newest.seq_from! + i));
  });

  it('reports no recordings for a loose database file', () => {
    process.env.FUTURESBOARD_SITE_DB = FIXTURE_DB;
    const opened = openSource();
    opened.db?.close();
    expect(opened.source).toMatchObject({ kind: 'database', recordings: null });
  });
});
