/**
 * The site is built from the demo's recordings folder when there is one: its hot database for
 * the live tables, and its catalog for what the closed segments hold.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../replay/adapters/catalog-file.ts';
import { buildRecordingsFolder } from '../../test/helpers/recordings-folder.ts';
import { FIXTURE_DB } from '../../test/replay/make-fixture-db.ts';
import { openSource } from './open-source.ts';

describe('openSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-site-source-'));
  afterAll(() => {
    delete process.env.FUTURESBOARD_SITE_DB;
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a recordings folder's hot database and reports the closed segments from its catalog", async () => {
    const src = join(dir, 'session.sqlite');
    copyFileSync(FIXTURE_DB, src);
    const folder = join(dir, 'recordings');
    await buildRecordingsFolder(src, folder, { periodMs: 60_000 });
    const closed = readCatalog(folder).segments.filter((s) => !s.open);
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

  it('reports no recordings for a loose database file', () => {
    process.env.FUTURESBOARD_SITE_DB = FIXTURE_DB;
    const opened = openSource();
    opened.db?.close();
    expect(opened.source).toMatchObject({ kind: 'database', recordings: null });
  });
});
