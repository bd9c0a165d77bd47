import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, git, makeProject, removeDir, run, type Project } from './test-support.ts';

let p: Project;
beforeEach(() => {
  p = makeProject();
});
afterEach(() => removeDir(p.base));

const env = {};
const phases = () => JSON.parse(readFileSync(join(p.work, 'docs/phase.json'), 'utf8')).history;

describe('continuity phase', () => {
  it('set appends to docs/phase.json, commits exactly that file and pushes it; show prints it', async () => {
    const now = () => Date.UTC(2025, 6, 1, 9, 0, 0);
    const r = await run(['phase', 'set', 'live', 'collector live on three exchanges', '--repo', p.work], { env, now });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(phases()).toEqual([
      { tag: 'build', note: 'first build', since: '2025-01-01T00:00:00.000Z' },
      { tag: 'live', note: 'collector live on three exchanges', since: '2025-07-01T09:00:00.000Z' },
    ]);
    expect(git(p.remote, 'show', '--name-only', '--format=%s', 'main')).toBe(
      'continuity: phase live\n\ndocs/phase.json',
    );
    expect(git(p.work, 'status', '--porcelain')).toBe('');

    const show = await run(['phase', 'show', '--repo', p.work], { env });
    expect(show.code).toBe(0);
    expect(show.out.split('\n')[0]).toBe(
      'current phase: live (since 2025-07-01T09:00:00.000Z) collector live on three exchanges',
    );
    expect(show.out).toContain('2025-01-01T00:00:00.000Z  build');
  });

  it('a sync carries an uncommitted phase change and names the phase in its commit message', async () => {
    const edited = {
      history: [...phases(), { tag: 'hardening', note: 'soak test', since: '2025-07-02T00:00:00.000Z' }],
    };
    writeFileSync(join(p.work, 'docs/phase.json'), JSON.stringify(edited, null, 2) + '\n');
    const r = await run(['sync', '--repo', p.work], { env: { FUTURESBOARD_PORT: String(await closedPort()) } });
    expect(r.code).toBe(0);
    expect(git(p.work, 'log', '-1', '--format=%s')).toMatch(/\(phase hardening, uptime/);
    expect(git(p.remote, 'show', '--name-only', '--format=', 'main')).toContain('docs/phase.json');
    expect(git(p.work, 'status', '--porcelain')).toBe('');
  });

  it('rejects a bad tag or a missing note without touching the file', async () => {
    const before = readFileSync(join(p.work, 'docs/phase.json'), 'utf8');
    const bad = await run(['phase', 'set', 'no spaces!', 'note', '--repo', p.work], { env });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('phase tag "no spaces!": use 1-40 letters');
    const missing = await run(['phase', 'set', 'live', '--repo', p.work], { env });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('phase set needs exactly a tag and a quoted note');
    expect(readFileSync(join(p.work, 'docs/phase.json'), 'utf8')).toBe(before);
    expect(git(p.work, 'rev-list', '--count', 'HEAD')).toBe('1');
  });
});
