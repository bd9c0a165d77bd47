/**
 * `futuresboard publish` as users run it: a child process over a real recordings folder, its
 * help, its one-line refusals (exit 2) and what it prints after publishing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../core/catalog.ts';
import { parseManifest } from '../core/published.ts';
import { updateCatalog } from '../replay/adapters/catalog-file.ts';
import { syntheticFolder } from '../test/helpers/recordings-folder.ts';
import { tempDir } from '../test/helpers/tmp.ts';

const root = tempDir('fb-publish-cli-');
const START = Date.UTC(2026, 11, 2, 7);
const rec = join(root, 'rec');
let catalog: Catalog;

beforeAll(async () => {
  await syntheticFolder(root, { events: 2000, start: START, seed: 9, periodMs: 10_000 });
  catalog = updateCatalog(rec, (c) => ({
    ...c,
    pins: [{ name: 'open', from: START, to: START + 1, pinned_ts: START }],
  }));
});

function publish(args: string[], config?: object) {
  const path = join(root, 'config.json');
  if (config) writeFileSync(path, JSON.stringify(config));
  const r = spawnSync(
    process.execPath,
    ['bin/futuresboard', 'publish', ...args, ...(config ? ['--config', path] : [])],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, configPath: path };
}

describe('futuresboard publish', () => {
  it('has --help and refuses bad input with one line, exit 2', () => {
    const help = publish(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: futuresboard publish --out <dir> \[--config <file>\] \[--recordings <dir>\]/);

    const noOut = publish([]);
    expect([noOut.code, noOut.stderr]).toEqual([
      2,
      'futuresboard publish: --out <dir> is required: the folder to publish into, e.g. dist/recordings\n',
    ]);

    const out = join(root, 'site-bad');
    const badField = publish(['--out', out], { site: { publish: { recent: 'soon' } } });
    expect([badField.code, badField.stderr]).toEqual([
      2,
      `futuresboard publish: ${badField.configPath}: site.publish.recent: must be a duration such as "30s", "15m", "1h", "14d" or "2w" (a plain integer is milliseconds)\n`,
    ]);

    const unknownPin = publish(['--out', out], { store: { dir: rec }, site: { publish: { sessions: ['cpi'] } } });
    expect([unknownPin.code, unknownPin.stderr]).toEqual([
      2,
      `futuresboard publish: site.publish.sessions: no pin named cpi in ${rec}; its pins are open (\`futuresboard recordings pin\` adds one)\n`,
    ]);
  });

  it('prints each published session and the totals, and leaves a manifest', () => {
    const out = join(root, 'site');
    const r = publish(['--out', out, '--recordings', rec], { site: { publish: { sessions: ['open'], recent: '1h' } } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const closed = catalog.segments.filter((s) => !s.open);
    const events = closed.reduce((n, s) => n + s.events, 0);
    const markets = (n: number) => `${n} market${n === 1 ? '' : 's'}`;
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^open {2}2026-12-02T07:00:00Z → 2026-12-02T07:00:10Z \\(10 s\\) {2}1 segment {2}${closed[0].events.toLocaleString('en-US')} events {2}[\\d.]+ KiB {2}${markets(closed[0].markets.length)} {2}1 gap$`,
      ),
    );
    const all = new Set(closed.flatMap((s) => s.markets)).size;
    expect(lines[1]).toMatch(
      new RegExp(
        `^recent {2}2026-12-02T07:00:00Z → .* {2}${closed.length} segments {2}${events.toLocaleString('en-US')} events {2}[\\d.]+ KiB {2}${markets(all)} {2}1 gap$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^published 2 sessions \\(${closed.length} segments, [\\d.]+ KiB\\) to ${out}: ${closed.length} copied, 0 already there, 0 stale removed$`,
      ),
    );
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.sessions.map((s) => s.name)).toEqual(['open', 'recent']);
  });
});
