/**
 * Config errors are one line: the field, what is wrong and the fix. Values are described by
 * type only (a wrong value may be a token or a webhook URL), except numbers out of range.
 */
import type { z } from 'zod';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

/** Messages for the issues a field's own schema does not word itself (passed to safeParse). */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must list at least ${issue.minimum}`;
      return `must be at least ${issue.minimum}, got ${String(issue.input)}`;
    case 'too_big':
      return `must be at most ${issue.maximum}, got ${String(issue.input)}`;
    case 'unrecognized_keys':
      return 'unknown key; remove it or check the spelling';
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
};

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * One line for the first issue (fixing it usually fixes or reveals the next). `setBy` maps a
 * field path to the environment variable that set it, so the line names what to change.
 */
export function configErrorLine(
  issues: readonly z.core.$ZodIssue[],
  setBy: ReadonlyMap<string, string> = new Map(),
): string {
  const issue = issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const field = pathText(path) || 'config';
  const env = setBy.get(field);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${field}${env ? ` (set by ${env})` : ''}: ${issue.message}${more}`;
}
