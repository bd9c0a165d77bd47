/**
 * Test fixtures for the continuity tests: real git repositories in temp folders with a local
 * bare remote, a /health server on 127.0.0.1 port 0, and a runner that captures CLI output.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runContinuity, type ContinuityIo } from '../cli/continuity.ts';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fb-continuity-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A checkout shaped like the project: template, phase file, migrations, package.json, .gitignore. */
export function writeProjectFiles(dir: string): void {
  mkdirSync(join(dir, 'docs'), { recursive: true });
  mkdirSync(join(dir, 'core/migrations'), { recursive: true });
  copyFileSync(join(PROJECT, 'docs/status_report_template.md'), join(dir, 'docs/status_report_template.md'));
  for (const f of readdirSync(join(PROJECT, 'core/migrations')))
    copyFileSync(join(PROJECT, 'core/migrations', f), join(dir, 'core/migrations', f));
  writeFileSync(
    join(dir, 'docs/phase.json'),
    JSON.stringify({ history: [{ tag: 'build', note: 'first build', since: '2025-01-01T00:00:00.000Z' }] }, null, 2) +
      '\n',
  );
  writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.2.3' }) + '\n');
  writeFileSync(join(dir, '.gitignore'), 'data/*\n!data/continuity_state.json\n');
  writeFileSync(join(dir, 'README.md'), 'readme\n');
}

export interface Project {
  base: string;
  remote: string;
  work: string;
}

/** A working clone with one commit, pushed to a bare remote and tracking it as origin/main. */
export function makeProject(opts: { remote?: boolean } = {}): Project {
  const base = tempDir();
  const remote = join(base, 'remote.git');
  const work = join(base, 'work');
  git(base, 'init', '-q', '-b', 'main', work);
  git(work, 'config', 'user.name', 'Test User');
  git(work, 'config', 'user.email', 'test@example.com');
  writeProjectFiles(work);
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'init');
  if (opts.remote !== false) {
    git(base, 'init', '-q', '--bare', '-b', 'main', remote);
    git(work, 'remote', 'add', 'origin', remote);
    git(work, 'push', '-q', '-u', 'origin', 'main');
  }
  return { base, remote, work };
}

/** Another machine: clone the remote, apply `change`, commit and push (moves the remote ahead). */
export function pushFromOtherClone(p: Project, name: string, change: (dir: string) => void): void {
  const other = join(p.base, name);
  git(p.base, 'clone', '-q', p.remote, other);
  git(other, 'config', 'user.name', 'Other');
  git(other, 'config', 'user.email', 'other@example.com');
  change(other);
  git(other, 'add', '-A');
  git(other, 'commit', '-q', '-m', `change from ${name}`);
  git(other, 'push', '-q', 'origin', 'HEAD:main');
}

/** Every file under `dir` (except .git) with its content: "the work tree as it was". */
export function treeContents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true, encoding: 'utf8' })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (e.isFile() && !rel.startsWith('.git/') && rel !== '.git') out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

/** A port nothing listens on, so "collector not running" never depends on this machine. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A /health server on 127.0.0.1 port 0; `answer(n)` gives the body of the n-th request (1-based). */
export async function healthServer(
  answer: (n: number, auth: string | undefined) => unknown,
): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    const body = answer(n, req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export async function run(
  argv: string[],
  io: ContinuityIo & { env: Record<string, string | undefined> },
): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runContinuity(argv, { ...io, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
