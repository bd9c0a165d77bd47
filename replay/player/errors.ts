/** Errors of the replay engine; `code` tells callers (CLI, site) what went wrong without parsing text. */
export type ReplayErrorCode = 'E_REPLAY_FILTER' | 'E_REPLAY_SPEED' | 'E_REPLAY_STATE';

export class ReplayError extends Error {
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}
