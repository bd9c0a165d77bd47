/**
 * SHA-256 of the files that define the system (configuration, docs, schema, package manifest),
 * and the drift between two such sets: a change nobody announced shows up in the next report.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_DIR } from './paths.ts';

export interface Drift {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Repository-relative paths (with `/`) of the tracked files that exist under `root`, sorted. */
export function trackedFiles(root: string): string[] {
  const found: string[] = [];
  for (const f of ['futuresboard.config.json', 'package.json']) if (existsSync(join(root, f))) found.push(f);
  // Generated status reports are output, not definition: hashing them would make every
  // report "drift" from the one before.
  found.push(...listFiles(root, 'docs', (p) => p.endsWith('.md') && !p.startsWith(`${STATUS_DIR}/`)));
  found.push(...listFiles(root, 'core/migrations', (p) => p.endsWith('.sql')));
  return found.sort();
}

function listFiles(root: string, dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(join(root, dir))) return [];
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
    const rel = `${dir}/${entry.split('\\').join('/')}`;
    if (keep(rel) && statSync(join(root, rel)).isFile()) out.push(rel);
  }
  return out;
}

export function hashTrackedFiles(root: string): Record<string, string> {
  return Object.fromEntries(
    trackedFiles(root).map((p) => [
      p,
      createHash('sha256')
        .update(readFileSync(join(root, p)))
        .digest('hex'),
    ]),
  );
}

export function diffHashes(before: Record<string, string>, after: Record<string, string>): Drift {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return {
    added: keys.filter((k) => !(k in before)),
    removed: keys.filter((k) => !(k in after)),
    changed: keys.filter((k) => k in before && k in after && before[k] !== after[k]),
  };
}
