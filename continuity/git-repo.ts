/**
 * The git checkout continuity commits to, checked before anything is written: a work tree, on a
 * branch with at least one commit, with no rebase/merge/cherry-pick/revert under way and no
 * unmerged paths. Commands run through simple-git with every non-zero exit treated as an error
 * (simple-git alone ignores failures that print nothing to stderr).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { FbError } from '../core/errors.ts';

export const FALLBACK_NAME = 'futuresboard continuity';
export const FALLBACK_EMAIL = 'continuity@localhost';

/** A git process that took this long without output is stuck (e.g. waiting for a password). */
const BLOCK_TIMEOUT_MS = 120_000;
/** Marker files under .git of an unfinished operation, and the command that finishes or aborts it. */
const UNFINISHED: [marker: string, command: string][] = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

export interface GitRepo {
  root: string;
  branch: string;
  /** HEAD before continuity touched anything: the point a failed sync returns to. */
  head: string;
  /** Run git; rejects with git's own output on any non-zero exit. */
  run(args: string[]): Promise<string>;
  /** Run git; null instead of an error (for queries where "no" is an answer). */
  tryRun(args: string[]): Promise<string | null>;
}

function strictGit(baseDir: string, config: string[] = []): SimpleGit {
  return simpleGit({
    baseDir,
    config,
    maxConcurrentProcesses: 1,
    timeout: { block: BLOCK_TIMEOUT_MS },
    errors: (error, result) => {
      if (error || result.exitCode === 0) return error;
      return Buffer.concat([...result.stdOut, ...result.stdErr]);
    },
  });
}

const runner = (git: SimpleGit) => ({
  run: async (args: string[]) => (await git.raw(args)).trim(),
  tryRun: async (args: string[]) => {
    try {
      return (await git.raw(args)).trim();
    } catch {
      return null;
    }
  },
});

/** The work tree's top folder when `dir` is inside one, else `dir` itself (snapshots work without git). */
export async function repoRoot(dir: string): Promise<string> {
  return (await runner(strictGit(dir)).tryRun(['rev-parse', '--show-toplevel'])) || dir;
}

/** The current branch of a checkout, after refusing every state a commit would damage. */
export async function openGitRepo(
  dir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<GitRepo> {
  if (!existsSync(dir)) throw new FbError('E_NOT_GIT', `${dir} does not exist; pass the repository with --repo <dir>`);
  const probe = runner(strictGit(dir));
  const root = await probe.tryRun(['rev-parse', '--show-toplevel']);
  if (!root || (await probe.tryRun(['rev-parse', '--is-inside-work-tree'])) !== 'true')
    throw new FbError(
      'E_NOT_GIT',
      `${dir} is not inside a git work tree; run from a clone of the project or pass --repo <dir>`,
    );

  const markers = (await probe.run(['rev-parse', ...UNFINISHED.flatMap(([m]) => ['--git-path', m])])).split('\n');
  const busy = UNFINISHED.find((_, i) => existsSync(resolve(dir, markers[i])));
  if (busy)
    throw new FbError(
      'E_IN_PROGRESS',
      `a ${busy[1]} is in progress in ${root}; finish it or abort it (git ${busy[1]} --abort), then run again`,
    );
  const branch = await probe.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (!branch)
    throw new FbError(
      'E_DETACHED',
      `HEAD is detached in ${root}; switch to a branch (git switch <branch>), then run again`,
    );
  const head = await probe.tryRun(['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (!head)
    throw new FbError(
      'E_NO_COMMITS',
      `branch ${branch} has no commit yet in ${root}; make a first commit, then run again`,
    );
  const unmerged = await probe.run(['diff', '--name-only', '--diff-filter=U']);
  if (unmerged)
    throw new FbError(
      'E_IN_PROGRESS',
      `unmerged paths in ${root} (${unmerged.split('\n').join(', ')}); resolve them first`,
    );

  // Never write the user's git config: a missing identity is supplied per command.
  const identity: string[] = [];
  if (!(await probe.tryRun(['config', '--get', 'user.name'])) && !env.GIT_AUTHOR_NAME)
    identity.push(`user.name=${FALLBACK_NAME}`);
  if (!(await probe.tryRun(['config', '--get', 'user.email'])) && !env.GIT_AUTHOR_EMAIL)
    identity.push(`user.email=${FALLBACK_EMAIL}`);
  return { root, branch, head, ...runner(strictGit(root, identity)) };
}
