/** Replay speed: a multiple of recorded time (1 = as recorded) or `max` (no waiting at all). */
import { FbError } from '../../core/errors.ts';

export type Speed = number | 'max';

/** The speeds offered in the CLI and the player UI. */
/** Interactive replays shorten silences longer than this (real time), see PlayerOptions.maxIdleMs. */
export const INTERACTIVE_MAX_IDLE_MS = 2000;

export const SPEED_PRESETS: readonly Speed[] = [1, 10, 100, 'max'];

/** Parse `1`, `10x`, `100×`, `0.5` or `max`; throws E_REPLAY_SPEED naming the accepted forms. */
export function parseSpeed(text: string): Speed {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t.replace(/[x×]$/, ''));
  if (t === '' || !Number.isFinite(n) || n <= 0)
    throw new FbError(
      'E_REPLAY_SPEED',
      `speed must be a positive multiple such as 1, 10x, 100x, or max; got ${JSON.stringify(text)}`,
    );
  return n;
}

export function checkSpeed(speed: Speed): Speed {
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0))
    throw new FbError('E_REPLAY_SPEED', `speed must be a positive number or 'max', got ${String(speed)}`);
  return speed;
}
