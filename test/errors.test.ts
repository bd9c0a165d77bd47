/**
 * One table of error codes: every `E_` code the source throws, answers or logs is in
 * core/error-codes.ts, every entry there is used, and docs/errors.md shows exactly that table.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, exitCodeFor, FbError, hasErrorCode } from '../core/errors.ts';

const ROOTS = ['core', 'replay', 'collector', 'simulator', 'continuity', 'cli', 'src', 'bin', 'bench'];
const TABLE_FILE = join('core', 'error-codes.ts');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' ? [] : sources(p);
    return /\.(ts|tsx|mts|js|mjs|astro)$/.test(f) || !f.includes('.') ? [p] : [];
  });
}

/** Code -> the files that use it, the table itself left out. */
function codesInSource(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of ROOTS.flatMap(sources)) {
    if (file === TABLE_FILE) continue;
    for (const [code] of readFileSync(file, 'utf8').matchAll(/\bE_[A-Z0-9_]{3,}\b/g))
      used.set(code, [...(used.get(code) ?? []), file]);
  }
  return used;
}

/** `| \`E_X\` | kind | meaning | fix |` rows of docs/errors.md. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync('docs/errors.md', 'utf8').split('\n')) {
    const m = /^\| `(E_[A-Z0-9_]+)` \| (.+) \|$/.exec(line);
    if (m) rows.set(m[1], m[2].split(' | '));
  }
  return rows;
}

describe('error codes', () => {
  it('has every code the source uses in the table, and no unused entry', () => {
    const used = codesInSource();
    const unknown = [...used]
      .filter(([code]) => !(code in ERROR_CODES))
      .map(([code, files]) => `${code} (${files[0]})`);
    expect(unknown).toEqual([]);
    expect(Object.keys(ERROR_CODES).filter((code) => !used.has(code))).toEqual([]);
  });

  it('documents exactly the table in docs/errors.md', () => {
    const table = Object.entries(ERROR_CODES).map(([code, i]) => [code, [i.kind, i.meaning, i.fix]]);
    expect([...documentedRows()]).toEqual(table);
  });

  it('maps usage codes to exit 2 and the others to 1; an FbError answers by its code', () => {
    expect(exitCodeFor('E_USAGE')).toBe(2);
    expect(exitCodeFor('E_CONFIG')).toBe(2);
    expect(exitCodeFor('E_DB_PATH')).toBe(1);
    const err = new FbError('E_EXPORT_OPTIONS', 'from: bad', { option: 'from', detail: 'bad' });
    expect([err.exitCode, err.option, err.detail, err.name]).toEqual([2, 'from', 'bad', 'FbError']);
    expect(hasErrorCode(err, 'E_EXPORT_OPTIONS')).toBe(true);
    expect(hasErrorCode(err, 'E_DB_PATH')).toBe(false);
    expect(hasErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });
});
