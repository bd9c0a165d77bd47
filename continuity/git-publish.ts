/**
 * Commit exactly the given paths and push them when a remote is configured. Never forces: a push
 * rejected because the remote moved ahead is fetched, rebased and retried a bounded number of
 * times. If the remote's changes conflict with ours (or with the user's uncommitted files), the
 * branch, index and work tree are put back as they were before the command and it fails. The
 * user's own unpushed commits are never published along with ours.
 */
import type { FileCheckpoint } from './checkpoint.ts';
import type { GitRepo } from './git-repo.ts';
import { FbError } from '../core/errors.ts';

export interface PublishOptions {
  repo: GitRepo;
  /** Repository-relative paths written by this command; nothing else is staged or committed. */
  paths: string[];
  /** Commit message after the `continuity: ` prefix every continuity commit carries. */
  message: string;
  /** Push attempts in all (first push plus retries after a rebase). */
  attempts: number;
  checkpoint: FileCheckpoint;
  /** Progress lines (the caller redacts them). */
  log: (line: string) => void;
}

export interface PublishResult {
  commit: string;
  /** `remote/branch` pushed to, or null when no remote is configured. */
  pushedTo: string | null;
}

/** Our commits' subjects start with this; any other unpushed commit is the user's own work. */
const OWN_SUBJECT = 'continuity: ';

interface PushTarget {
  remote: string;
  branch: string;
}

/** git's first lines of output, enough to say what went wrong without flooding the terminal. */
const gitSays = (err: unknown) =>
  String((err as Error).message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'))
    .slice(0, 3)
    .join(' / ');

/** A push refused only because the remote has commits we lack (not a hook or permission refusal). */
const isBehind = (err: unknown) =>
  /\[rejected\][^\n]*\((fetch first|non-fast-forward)\)/.test(String((err as Error).message));

export async function publish(o: PublishOptions): Promise<PublishResult> {
  const { repo, paths } = o;
  // Back to the starting point: branch and index (--keep also reverts files a rebase brought
  // in, and refuses rather than overwrite a local change), then our files' previous contents.
  const rollback = async () => {
    if ((await repo.run(['rev-parse', 'HEAD'])) !== repo.head)
      await repo.run(['reset', '--quiet', '--keep', repo.head]);
    await repo.run(['reset', '--quiet', repo.head, '--', ...paths]);
    o.checkpoint.restore();
  };

  try {
    // -f: the paths are named exactly, so an ignore rule (data/ is ignored) must not drop one.
    await repo.run(['add', '--force', '--', ...paths]);
    // `commit -- <paths>` commits only these paths; anything else the user staged stays staged.
    await repo.run(['commit', '--quiet', '-m', OWN_SUBJECT + o.message, '--', ...paths]);
  } catch (err) {
    await rollback();
    throw new FbError('E_COMMIT_FAILED', `git commit failed (${gitSays(err)}); nothing was changed`);
  }
  const commit = await repo.run(['rev-parse', 'HEAD']);
  o.log(`committed ${commit.slice(0, 12)} on ${repo.branch}: ${paths.join(', ')}`);

  const target = await pushTarget(repo);
  if (!target) {
    o.log('no remote configured: committed locally, nothing pushed');
    return { commit, pushedTo: null };
  }
  const where = `${target.remote}/${target.branch}`;
  const foreign = await unpushedForeignCommits(repo, target);
  if (foreign.length)
    throw new FbError(
      'E_UNPUSHED_WORK',
      `${repo.branch} has ${foreign.length} commit(s) not on ${where} that continuity did not make (${foreign.slice(0, 3).join('; ')}); not pushing them for you. Push them yourself when ready; the status commit is kept locally and goes out with the next sync`,
    );
  // As configured (before any insteadOf rewriting), so the user recognises it; redacted by the caller's log.
  const url =
    (await repo.tryRun(['config', '--get', `remote.${target.remote}.pushurl`])) ??
    (await repo.tryRun(['config', '--get', `remote.${target.remote}.url`])) ??
    target.remote;
  for (let attempt = 1; ; attempt++) {
    try {
      await repo.run(['push', target.remote, `HEAD:refs/heads/${target.branch}`]);
      o.log(`pushed to ${where} (${url})`);
      return { commit: await repo.run(['rev-parse', 'HEAD']), pushedTo: where };
    } catch (err) {
      if (!isBehind(err))
        throw new FbError(
          'E_PUSH_FAILED',
          `push to ${where} failed (${gitSays(err)}); the commit is kept locally and goes out with the next sync`,
        );
      if (attempt >= o.attempts)
        throw new FbError(
          'E_PUSH_REJECTED',
          `push to ${where} was still rejected after ${attempt} attempts (the remote keeps moving); the commit is kept locally and goes out with the next sync`,
        );
      o.log(`push rejected: ${where} moved ahead; fetching and rebasing (attempt ${attempt + 1} of ${o.attempts})`);
    }
    await repo.run(['fetch', '--quiet', target.remote, `refs/heads/${target.branch}`]);
    const blocked = await overlapWithLocalChanges(repo);
    if (blocked.length) {
      await rollback();
      throw new FbError(
        'E_SYNC_CONFLICT',
        `${where} changed files you have uncommitted changes to (${blocked.join(', ')}); nothing was changed here. Commit or stash them, pull, and run again`,
      );
    }
    try {
      // --autostash: the user's unrelated uncommitted edits survive the rebase (git hands staged
      // ones back unstaged; their content is unchanged).
      await repo.run(['rebase', '--quiet', '--autostash', 'FETCH_HEAD']);
    } catch (err) {
      const conflicted = (await repo.tryRun(['diff', '--name-only', '--diff-filter=U'])) || gitSays(err);
      await repo.tryRun(['rebase', '--abort']);
      await rollback();
      throw new FbError(
        'E_SYNC_CONFLICT',
        `conflict rebasing onto ${where} in ${conflicted.split('\n').join(', ')}; the branch, index and work tree were left as they were before. Pull and resolve (git pull --rebase), then run again`,
      );
    }
  }
}

/** The branch's upstream; else `origin` (or the only remote) with the same branch name; else none. */
async function pushTarget(repo: GitRepo): Promise<PushTarget | null> {
  const remote = await repo.tryRun(['config', '--get', `branch.${repo.branch}.remote`]);
  const merge = await repo.tryRun(['config', '--get', `branch.${repo.branch}.merge`]);
  if (remote && remote !== '.' && merge?.startsWith('refs/heads/'))
    return { remote, branch: merge.slice('refs/heads/'.length) };
  const remotes = ((await repo.tryRun(['remote'])) ?? '').split('\n').filter(Boolean);
  const pick = remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : null;
  return pick ? { remote: pick, branch: repo.branch } : null;
}

/**
 * The user's commits that a push of HEAD would publish along with ours. Unknown (empty) when the
 * remote branch does not exist yet or cannot be fetched; the push then creates it or reports why.
 */
async function unpushedForeignCommits(repo: GitRepo, target: PushTarget): Promise<string[]> {
  if ((await repo.tryRun(['fetch', '--quiet', target.remote, `refs/heads/${target.branch}`])) === null) return [];
  const log = await repo.run(['log', '--format=%h %s', 'FETCH_HEAD..HEAD']);
  return log.split('\n').filter((l) => l && !l.slice(l.indexOf(' ') + 1).startsWith(OWN_SUBJECT));
}

/** Files the fetched commits change that the user has uncommitted edits to or untracked copies of. */
async function overlapWithLocalChanges(repo: GitRepo): Promise<string[]> {
  // -z: names with spaces or non-ASCII come through unquoted.
  const names = async (args: string[]) => (await repo.run(args)).split('\0').filter(Boolean);
  const incoming = new Set(await names(['diff', '--name-only', '-z', 'HEAD', 'FETCH_HEAD']));
  const local = [
    ...(await names(['diff', '--name-only', '-z', 'HEAD'])),
    ...(await names(['ls-files', '-z', '--others', '--exclude-standard'])),
  ];
  return local.filter((p) => incoming.has(p));
}
