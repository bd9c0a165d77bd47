/**
 * Reads the config file as JSON. JSON.parse keeps `"__proto__"` as an own key; such keys (and
 * `constructor`, `prototype`) are refused before anything merges the file into other objects,
 * where they would change the prototype of every object in the process.
 */
import { readFileSync } from 'node:fs';
import { FbError } from '../../core/errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type PlainObject = Record<string, unknown>;
export const isPlainObject = (v: unknown): v is PlainObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The path of the first forbidden key in `value`, or null. */
export function forbiddenKeyPath(value: unknown, path = ''): string | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = forbiddenKeyPath(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return at;
      const found = forbiddenKeyPath(item, at);
      if (found) return found;
    }
  }
  return null;
}

export function readConfigFile(file: string): PlainObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new FbError(
      'E_CONFIG',
      `${file}: ${e.code === 'EISDIR' ? 'is a directory, not a config file' : e.code ? `cannot read (${e.code})` : `not valid JSON (${e.message})`}`,
    );
  }
  if (!isPlainObject(parsed))
    throw new FbError('E_CONFIG', `${file}: must hold a JSON object such as {"db": "data/futures.db"}`);
  const bad = forbiddenKeyPath(parsed);
  if (bad)
    throw new FbError(
      'E_CONFIG',
      `${file}: ${bad}: key not allowed (it names a JavaScript object internal); remove it`,
    );
  return parsed;
}
