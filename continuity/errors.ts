/** Errors of the continuity commands: each carries a `code` and a message that says what to do. */
export type ContinuityCode =
  | 'E_NOT_GIT' // not inside a git work tree
  | 'E_NO_COMMITS' // the branch has no commit to build on
  | 'E_DETACHED' // HEAD is not on a branch
  | 'E_IN_PROGRESS' // a rebase, merge, cherry-pick or revert is unfinished
  | 'E_SYNC_CONFLICT' // rebasing onto the remote conflicted; everything was put back
  | 'E_PUSH_REJECTED' // the remote kept moving ahead for every attempt
  | 'E_PUSH_FAILED' // the push failed for another reason (network, permissions, hook)
  | 'E_UNPUSHED_WORK' // the branch holds the user's own unpushed commits, which are not ours to publish
  | 'E_COMMIT_FAILED'
  | 'E_TEMPLATE' // the report template is missing or names an unknown placeholder
  | 'E_NO_SNAPSHOT' // `report` before any `snapshot`
  | 'E_STATE' // data/continuity_state.json is unreadable
  | 'E_PHASE'; // docs/phase.json is unreadable or the tag is invalid

export class ContinuityError extends Error {
  constructor(
    readonly code: ContinuityCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContinuityError';
  }
}
