/**
 * Config objects accept only the keys they know: a misspelled key (`minTeir`) must not fall back
 * to a default silently. The error names the key and, when one is close, the key that was meant.
 */
import { z } from 'zod';
import { closestKey } from '../../core/closest-name.ts';

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = closestKey(key, known);
  return near ? `unknown key; did you mean ${near}?` : `unknown key; known keys here: ${known.join(', ')}`;
}

/** z.strictObject whose unknown-key error suggests the closest known key (the first unknown key is reported). */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeyMessage(issue.keys[0], Object.keys(shape)) : undefined,
  });
}
