import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  closedPort,
  git,
  makeProject,
  pushFromOtherClone,
  removeDir,
  run,
  treeContents,
  type Project,
} from './test-support.ts';

let p: Project;
let env: Record<string, string>;

beforeEach(async () => {
  p = makeProject();
  env = { FUTURESBOARD_PORT: String(await closedPort()) };
});
afterEach(() => {
  vi.unstubAllEnvs();
  removeDir(p.base);
});

const filesOf = (repo: string, rev: string) =>
  git(repo, 'show', '--name-only', '--format=', rev).split('\n').filter(Boolean).sort();
const reports = (dir: string) => (existsSync(join(dir, 'docs/status')) ? readdirSync(join(dir, 'docs/status')) : []);

describe('continuity sync', () => {
  it('commits exactly the report and state, pushes them, and leaves unrelated changes alone', async () => {
    writeFileSync(join(p.work, 'README.md'), 'my uncommitted edit\n'); // dirty tracked file
    writeFileSync(join(p.work, 'scratch.txt'), 'scratch\n'); // untracked file
    writeFileSync(join(p.work, 'docs/guide.md'), '# Guide, staged\n');
    git(p.work, 'add', 'docs/guide.md'); // staged but not ours
    const statusBefore = git(p.work, 'status', '--porcelain');

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('collector not running');
    expect(r.out).toContain('pushed to origin/main');
    const [report] = reports(p.work);
    expect(report).toMatch(/^status_report-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.md$/);
    expect(filesOf(p.remote, 'main')).toEqual(['data/continuity_state.json', `docs/status/${report}`]);
    expect(git(p.work, 'rev-parse', 'HEAD')).toBe(git(p.remote, 'rev-parse', 'main'));
    expect(git(p.remote, 'log', '-1', '--format=%s', 'main')).toMatch(
      /^continuity: status .* \(phase build, uptime 0\.00%\)$/,
    );
    // The user's work is exactly as it was: same content, same staged/unstaged state.
    expect(git(p.work, 'status', '--porcelain')).toBe(statusBefore);
    expect(readFileSync(join(p.work, 'README.md'), 'utf8')).toBe('my uncommitted edit\n');
    expect(readFileSync(join(p.work, 'scratch.txt'), 'utf8')).toBe('scratch\n');
    // Zero rows and "collector not running" when there is no daemon and no database.
    const state = JSON.parse(readFileSync(join(p.work, 'data/continuity_state.json'), 'utf8'));
    expect(state.snapshot.health.running).toBe(false);
    expect(Object.values(state.snapshot.database.rows).every((n) => n === 0)).toBe(true);
    expect(readFileSync(join(p.work, 'docs/status', report), 'utf8')).toContain('status: "collector not running"');
  });

  it('commits locally when no remote is configured', async () => {
    const local = makeProject({ remote: false });
    try {
      const r = await run(['sync', '--repo', local.work], { env });
      expect(r.code).toBe(0);
      expect(r.out).toContain('no remote configured');
      expect(git(local.work, 'rev-list', '--count', 'HEAD')).toBe('2');
      expect(git(local.work, 'status', '--porcelain')).toBe('');
    } finally {
      removeDir(local.base);
    }
  });

  it('fetches, rebases and retries when the remote moved ahead', async () => {
    pushFromOtherClone(p, 'other', (d) => writeFileSync(join(d, 'other.txt'), 'from elsewhere\n'));
    writeFileSync(join(p.work, 'README.md'), 'my uncommitted edit\n');

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('push rejected');
    expect(git(p.remote, 'log', '--format=%s', 'main').split('\n')).toEqual([
      expect.stringMatching(/^continuity: status/),
      'change from other',
      'init',
    ]);
    expect(readFileSync(join(p.work, 'other.txt'), 'utf8')).toBe('from elsewhere\n');
    expect(readFileSync(join(p.work, 'README.md'), 'utf8')).toBe('my uncommitted edit\n');
    expect(git(p.work, 'stash', 'list')).toBe('');
  });

  it('gives up after the allowed attempts and keeps the commit locally', async () => {
    pushFromOtherClone(p, 'other', (d) => writeFileSync(join(d, 'other.txt'), 'x\n'));
    const r = await run(['sync', '--repo', p.work, '--attempts', '1'], { env });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/still rejected after 1 attempts.*\[E_PUSH_REJECTED\]/);
    expect(git(p.work, 'log', '-1', '--format=%s')).toMatch(/^continuity: status/);
    expect(git(p.remote, 'log', '-1', '--format=%s', 'main')).toBe('change from other');
  });

  it('on a conflict leaves branch, index and work tree as they were and exits non-zero', async () => {
    // A first sync, so the state file is tracked, and a snapshot not yet committed; then another
    // machine syncs too.
    expect((await run(['sync', '--repo', p.work], { env })).code).toBe(0);
    expect((await run(['snapshot', '--repo', p.work], { env })).code).toBe(0);
    pushFromOtherClone(p, 'other', (d) =>
      writeFileSync(join(d, 'data/continuity_state.json'), '{"from": "another machine"}\n'),
    );
    writeFileSync(join(p.work, 'README.md'), 'my uncommitted edit\n');
    writeFileSync(join(p.work, 'scratch.txt'), 'scratch\n');
    const head = git(p.work, 'rev-parse', 'HEAD');
    const status = git(p.work, 'status', '--porcelain');
    const tree = treeContents(p.work);

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /conflict rebasing onto origin\/main in data\/continuity_state\.json.*left as they were.*\[E_SYNC_CONFLICT\]/,
    );
    expect(git(p.work, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(p.work, 'status', '--porcelain')).toBe(status);
    expect(treeContents(p.work)).toEqual(tree);
    expect(git(p.work, 'stash', 'list')).toBe('');
    expect(existsSync(join(p.work, '.git/rebase-merge'))).toBe(false);
  });

  it('refuses when the remote changed a file with uncommitted local edits, changing nothing', async () => {
    pushFromOtherClone(p, 'other', (d) => writeFileSync(join(d, 'README.md'), 'remote edit\n'));
    writeFileSync(join(p.work, 'README.md'), 'my uncommitted edit\n');
    const tree = treeContents(p.work);
    const head = git(p.work, 'rev-parse', 'HEAD');

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.code).toBe(1);
    expect(r.err).toContain('uncommitted changes to (README.md)');
    expect(git(p.work, 'rev-parse', 'HEAD')).toBe(head);
    expect(treeContents(p.work)).toEqual(tree);
  });

  it("does not publish the user's own unpushed commits along with the report", async () => {
    writeFileSync(join(p.work, 'README.md'), 'work in progress\n');
    git(p.work, 'commit', '-q', '-am', 'wip: half done');
    const r = await run(['sync', '--repo', p.work], { env });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /main has 1 commit\(s\) not on origin\/main that continuity did not make \([0-9a-f]+ wip: half done\); not pushing.*\[E_UNPUSHED_WORK\]/,
    );
    expect(git(p.remote, 'log', '-1', '--format=%s', 'main')).toBe('init');
    expect(git(p.work, 'log', '-2', '--format=%s').split('\n')).toEqual([
      expect.stringMatching(/^continuity: status/),
      'wip: half done',
    ]);
  });

  it('pushes its own earlier commit that a failed push left behind', async () => {
    pushFromOtherClone(p, 'other', (d) => writeFileSync(join(d, 'other.txt'), 'x\n'));
    expect((await run(['sync', '--repo', p.work, '--attempts', '1'], { env })).code).toBe(1);
    const r = await run(['sync', '--repo', p.work], { env });
    expect(r.code).toBe(0);
    expect(git(p.remote, 'log', '--format=%s', 'main').split('\n')).toEqual([
      expect.stringMatching(/^continuity: status/),
      expect.stringMatching(/^continuity: status/),
      'change from other',
      'init',
    ]);
  });

  it('refuses a detached HEAD before writing anything', async () => {
    git(p.work, 'checkout', '-q', '--detach');
    const tree = treeContents(p.work);
    const r = await run(['sync', '--repo', p.work], { env });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/HEAD is detached.*git switch.*\[E_DETACHED\]/);
    expect(treeContents(p.work)).toEqual(tree);
  });

  it('refuses to run in the middle of a rebase', async () => {
    pushFromOtherClone(p, 'other', (d) => writeFileSync(join(d, 'README.md'), 'theirs\n'));
    writeFileSync(join(p.work, 'README.md'), 'ours\n');
    git(p.work, 'commit', '-q', '-am', 'ours');
    git(p.work, 'fetch', '-q');
    expect(() => git(p.work, 'rebase', 'origin/main')).toThrow(); // stops on the conflict
    const tree = treeContents(p.work);

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.code).toBe(1);
    expect(r.err).toMatch(/a rebase is in progress.*git rebase --abort.*\[E_IN_PROGRESS\]/);
    expect(treeContents(p.work)).toEqual(tree);
  });

  it('never lets a token from the remote URL or the environment into output, reports, state or commits', async () => {
    const token = 'ghp_PLANTEDsecret0123456789';
    const envToken = 'envSECRET-abcdef-987654';
    // The remote URL carries credentials; git rewrites it to the local bare repository.
    const url = `https://ci-bot:${token}@example.invalid/org/repo.git`;
    git(p.work, 'remote', 'set-url', 'origin', url);
    git(p.work, 'config', `url.${p.remote}.insteadOf`, url);
    const leakEnv = { ...env, GITHUB_TOKEN: token, FUTURESBOARD_TOKEN: envToken, DEPLOY_SECRET: envToken };

    const ok = await run(['sync', '--repo', p.work], { env: leakEnv });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('https://***@example.invalid/org/repo.git');

    // A push that fails prints git's error, which names the URL.
    git(p.work, 'config', '--unset', `url.${p.remote}.insteadOf`);
    git(p.work, 'remote', 'set-url', 'origin', `https://ci-bot:${token}@127.0.0.1:1/org/repo.git`);
    const failed = await run(['sync', '--repo', p.work], { env: leakEnv });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('E_PUSH_FAILED');

    const everything = [
      ok.out,
      ok.err,
      failed.out,
      failed.err,
      git(p.work, 'log', '--all', '-p', '--format=%an %ae %s %b'),
      ...Object.values(treeContents(join(p.work, 'docs'))),
      readFileSync(join(p.work, 'data/continuity_state.json'), 'utf8'),
    ].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(envToken);
  });

  it('commits with a fallback identity when git has none, without writing any git config', async () => {
    const home = join(p.base, 'home');
    mkdirSync(home);
    vi.stubEnv('GIT_CONFIG_GLOBAL', join(home, 'gitconfig'));
    vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
    vi.stubEnv('GIT_AUTHOR_NAME', undefined);
    vi.stubEnv('GIT_AUTHOR_EMAIL', undefined);
    vi.stubEnv('GIT_COMMITTER_NAME', undefined);
    vi.stubEnv('GIT_COMMITTER_EMAIL', undefined);
    git(p.work, 'config', '--unset', 'user.name');
    git(p.work, 'config', '--unset', 'user.email');
    const configBefore = readFileSync(join(p.work, '.git/config'), 'utf8');

    const r = await run(['sync', '--repo', p.work], { env });

    expect(r.code).toBe(0);
    expect(git(p.work, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'futuresboard continuity <continuity@localhost>|futuresboard continuity <continuity@localhost>',
    );
    expect(readFileSync(join(p.work, '.git/config'), 'utf8')).toBe(configBefore);
    expect(existsSync(join(home, 'gitconfig'))).toBe(false);
  });
});
