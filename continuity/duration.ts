/** Durations on the command line: `250ms`, `30s`, `5m`, `1h`. */
import { FbError } from '../core/errors.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const MIN_MS = 10;

export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms >= MIN_MS))
    throw new FbError(
      'E_USAGE',
      `--${flag} must be a duration such as 30s, 5m or 1h (at least ${MIN_MS}ms), got ${JSON.stringify(text)}`,
    );
  return ms;
}
