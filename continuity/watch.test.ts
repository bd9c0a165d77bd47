import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, healthServer, makeProject, removeDir, run, type Project } from './test-support.ts';

let p: Project;
beforeEach(() => {
  p = makeProject();
});
afterEach(() => removeDir(p.base));

const transitions = () =>
  readFileSync(join(p.work, 'data/continuity_watch.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('continuity watch', () => {
  it('logs each change of collector state (not each poll) and runs sync on its own schedule', async () => {
    const stop = new AbortController();
    // ok, ok, degraded, degraded, then stop.
    const server = await healthServer((n) => {
      if (n >= 4) stop.abort();
      return n <= 2 ? { status: 'ok', reasons: [] } : { status: 'degraded', reasons: ['writer lagging'] };
    });
    try {
      const r = await run(['watch', '--repo', p.work, '--every', '20ms', '--sync-every', '10ms'], {
        env: { FUTURESBOARD_PORT: String(server.port) },
        signal: stop.signal,
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(transitions()).toEqual([
        { time: expect.any(String), from: null, to: 'ok', reasons: [] },
        { time: expect.any(String), from: 'ok', to: 'degraded', reasons: ['writer lagging'] },
      ]);
      expect(r.out).toContain('watch: stopped');
      // Each poll after the sync interval ran a sync: reports were committed and pushed.
      expect(r.out).toContain('sync: done');
      expect(git(p.remote, 'log', '-1', '--format=%s', 'main')).toMatch(/^continuity: status/);
    } finally {
      await server.close();
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const server = await healthServer(() => ({ status: 'ok', reasons: [] }));
    const cli = fileURLToPath(new URL('../cli/continuity.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { runContinuity } = await import(${JSON.stringify(cli)}); process.exitCode = await runContinuity(process.argv.slice(1));`,
        'watch',
        '--repo',
        p.work,
        '--every',
        '1h',
      ],
      { env: { ...process.env, FUTURESBOARD_PORT: String(server.port) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      // The first transition means the watcher is up and sleeping for an hour.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('start -> ok')) resolve();
        });
        child.once('exit', () => reject(new Error(`watch exited early: ${out}${err}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('watch: stopped');
    } finally {
      child.kill('SIGKILL');
      await server.close();
    }
  });

  it('rejects a bad --every naming the flag', async () => {
    const r = await run(['watch', '--repo', p.work, '--every', 'soon'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toContain('--every must be a duration such as 30s, 5m or 1h');
  });
});
