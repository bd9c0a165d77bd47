/**
 * Publishing a real recordings folder (a recording split into closed gzip segments by the
 * store's own code): hashed copies checked against the catalog, the manifest written last and
 * readable by core/published.ts, republishing idempotent, stale files removed, and a source
 * segment whose bytes changed refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../core/catalog.ts';
import { MANIFEST_FILE, parseManifest } from '../../core/published.ts';
import { readCatalog, updateCatalog } from '../../replay/adapters/catalog-file.ts';
import { buildRecordingsFolder, syntheticFolder } from '../../test/helpers/recordings-folder.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { defaultConfig, type Config } from '../config.ts';
import { planFromConfig, summaryLine, writePublished } from './publish.ts';

const root = tempDir('fb-publish-');
const START = Date.UTC(2026, 11, 2, 7);
const PERIOD = 10_000;
const rec = join(root, 'rec');
let catalog: Catalog;

beforeAll(async () => {
  await syntheticFolder(root, { events: 3000, start: START, seed: 7, periodMs: PERIOD });
  // A pin over the first two periods.
  catalog = updateCatalog(rec, (c) => ({
    ...c,
    pins: [{ name: 'open', from: START, to: START + 2 * PERIOD, pinned_ts: START }],
  }));
});

const DAY = 86_400_000;

/** The default config with `store.dir` and `site.publish` as given (parsed: durations in ms). */
function configWith(publish: Partial<Config['site']['publish']>, dir = rec): Config {
  const c = defaultConfig();
  return { ...c, store: { ...c.store, dir }, site: { publish: { ...c.site.publish, ...publish } } };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('seg-'));

describe('publishing a recordings folder', () => {
  it('copies the closed segments under hashed names, checks them, and writes a manifest core reads', async () => {
    const closed = catalog.segments.filter((s) => !s.open);
    expect(closed.length).toBeGreaterThan(3);
    const out = join(root, 'site-1');
    const plan = planFromConfig(configWith({ recent: DAY, sessions: ['open'] }));
    const result = await writePublished(plan, out, START + 1);
    expect(result).toMatchObject({ copied: closed.length, kept: 0, removed: [] });

    const manifest = parseManifest(readFileSync(join(out, MANIFEST_FILE), 'utf8'), 'manifest.json');
    expect(manifest).toEqual(result.manifest);
    expect(manifest.generated).toBe(START + 1);
    expect(manifest.sessions.map((s) => [s.name, s.segments.length])).toEqual([
      ['open', 2],
      ['recent', closed.length],
    ]);
    const recent = manifest.sessions[1];
    expect(recent.events).toBe(closed.reduce((n, s) => n + s.events, 0));
    // One restart gap opens the recording.
    expect(recent.gaps).toBe(1);
    for (const [g, source] of recent.segments.map((g, i) => [g, closed[i]] as const)) {
      expect(g.file).toBe(source.file.replace('.sqlite.gz', `.${source.sha256!.slice(0, 16)}.sqlite.gz`));
      expect(sha(join(out, g.file))).toBe(source.sha256);
      expect(g.sha256).toBe(source.sha256);
    }
    // Shared segments are copied once; the hot database is never published.
    expect(segmentFiles(out).sort()).toEqual(recent.segments.map((g) => g.file).sort());
    expect(readdirSync(out).filter((f) => !f.startsWith('seg-'))).toEqual([MANIFEST_FILE]);
    expect(summaryLine(manifest, 'out/')).toMatch(
      new RegExp(`^published 2 sessions \\(${closed.length} segments, [\\d.]+ KiB\\) to out/$`),
    );
  });

  it('keeps what is in place when republished, recopies a truncated copy, and removes only stale segments', async () => {
    const out = join(root, 'site-2');
    const all = planFromConfig(configWith({ recent: DAY }));
    await writePublished(all, out, START);
    const [first, second] = all.sessions[0].segments;
    const before = statSync(join(out, second.file)).mtimeMs;
    // A copy cut short by a crash, and files that are not published segments.
    writeFileSync(join(out, first.file), 'cut');
    writeFileSync(join(out, 'README.md'), 'kept');
    writeFileSync(join(out, 'seg-other.sqlite'), 'not a published name');

    const again = await writePublished(all, out, START);
    expect(again).toMatchObject({ copied: 1, kept: all.files.size - 1, removed: [] });
    expect(sha(join(out, first.file))).toBe(first.sha256);
    expect(statSync(join(out, second.file)).mtimeMs).toBe(before);

    // A shorter window: the segments no session names any more go, nothing else does.
    const lastOnly = planFromConfig(configWith({ recent: 1 }));
    expect(lastOnly.sessions[0].segments).toHaveLength(1);
    const smaller = await writePublished(lastOnly, out, START);
    expect(smaller.removed.sort()).toEqual(
      all.sessions[0].segments
        .slice(0, -1)
        .map((g) => g.file)
        .sort(),
    );
    expect(segmentFiles(out).sort()).toEqual(['seg-other.sqlite', lastOnly.sessions[0].segments[0].file].sort());
    expect(existsSync(join(out, 'README.md'))).toBe(true);
  });

  it('refuses a source segment whose bytes differ from its catalog entry, leaving no copy and no manifest', async () => {
    const tampered = join(root, 'tampered');
    await buildRecordingsFolder(join(root, 'session.db'), tampered, { periodMs: PERIOD });
    const victim = readCatalog(tampered).segments[1];
    const bytes = readFileSync(join(tampered, victim.file));
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(join(tampered, victim.file), bytes);

    const out = join(root, 'site-3');
    const plan = planFromConfig(configWith({ recent: DAY }, tampered));
    const err = await writePublished(plan, out, START).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_CATALOG' });
    expect((err as Error).message).toMatch(
      new RegExp(
        `^${join(tampered, victim.file)} differs from its catalog entry \\(sha256 [0-9a-f]{16}…, catalogued ${victim.sha256!.slice(0, 16)}…\\); run \`futuresboard recordings verify\``,
      ),
    );
    expect(readdirSync(out).filter((f) => f.includes(victim.sha256!.slice(0, 16)) || f.includes('.tmp'))).toEqual([]);
    expect(existsSync(join(out, MANIFEST_FILE))).toBe(false);
  });

  it('says in one line when the output folder cannot be written', async () => {
    const notAFolder = join(root, 'a-file');
    writeFileSync(notAFolder, '');
    const err = await writePublished(planFromConfig(configWith({ recent: DAY })), notAFolder, START).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_PUBLISH' });
    expect((err as Error).message).toMatch(
      new RegExp(`^cannot write ${notAFolder} \\(EEXIST: .*\\); make the folder writable and free disk space$`),
    );
  });
});
