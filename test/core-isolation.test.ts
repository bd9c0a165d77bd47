/**
 * core runs unchanged in the collector, the CLI and the browser: it imports nothing from
 * Node or the DOM, in any form (static, side-effect, dynamic or require), and never reads the
 * clock or writes to the console itself (they are passed in). The checker is itself tested on
 * planted violations, so a blind spot in it fails here rather than passing silently.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleReferences, tokenize, type Token } from './helpers/module-references.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.includes('test-support') ? [p] : [];
  });
}

const FORBIDDEN_PACKAGES = new Set([
  ...builtinModules,
  'ws',
  'better-sqlite3',
  'pino',
  'prom-client',
  'simple-git',
  'sql.js',
]);
/** Globals core must not touch, as token sequences: `Date.now(`, `console.`, `setTimeout(`… */
const FORBIDDEN_GLOBALS = [
  ['Date', '.', 'now', '('],
  ['console', '.'],
  ['process', '.'],
  ['document', '.'],
  ['window', '.'],
  ['setTimeout', '('],
  ['setInterval', '('],
];

const tokenText = (t: Token) => (t.type === 'string' ? null : t.text);

/** Every rule `text` (the source of `file`) breaks, one line each; empty when it is clean. */
function coreViolations(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const ref of moduleReferences(text)) {
    if (ref.kind === 'require')
      problems.push(`${file} calls require(${ref.spec ?? '…'}): core is ESM and loads nothing at run time`);
    else if (ref.spec === null)
      problems.push(`${file} has a ${ref.kind} import of a computed specifier, which cannot be checked`);
    else if (ref.spec.startsWith('node:') || FORBIDDEN_PACKAGES.has(ref.spec.split('/')[0]))
      problems.push(`${file} imports ${ref.spec} (${ref.kind})`);
    else if (ref.spec.startsWith('.') && (ref.spec.includes('/adapters/') || ref.spec.includes('collector/')))
      problems.push(`${file} imports ${ref.spec} (${ref.kind})`);
  }
  const words = tokenize(text).map(tokenText);
  for (const seq of FORBIDDEN_GLOBALS)
    if (words.some((_, i) => seq.every((w, j) => words[i + j] === w))) problems.push(`${file} uses ${seq.join('')}`);
  return problems;
}

describe('the isolation checker', () => {
  it.each([
    ['a static import', "import { readFileSync } from 'node:fs';", 'imports node:fs (static)'],
    ['a type import of a bare builtin', "import type { Stats } from 'fs';", 'imports fs (static)'],
    ['a multi-line import', "import {\n  a,\n  b,\n} from 'ws';", 'imports ws (static)'],
    ['a re-export', "export * from 'node:path';", 'imports node:path (static)'],
    ['a side-effect import', "import 'node:fs';", 'imports node:fs (side-effect)'],
    ['a dynamic import', "const fs = import('node:fs');", 'imports node:fs (dynamic)'],
    ['an awaited dynamic import', 'const { join } = await import(`node:path`);', 'imports node:path (dynamic)'],
    ['a computed dynamic import', 'const m = await import(name);', 'dynamic import of a computed specifier'],
    ['a require', "const fs = require('fs');", 'calls require(fs)'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the planted source is a template literal
    ['a computed require', 'const m = require(`./${x}`);', 'calls require(…)'],
    [
      'an adapter import',
      "import { openNodeDb } from '../adapters/node-sqlite.ts';",
      'imports ../adapters/node-sqlite.ts (static)',
    ],
    ['the clock', 'const t = Date.now();', 'uses Date.now('],
    ['a timer', 'setTimeout(() => {}, 5);', 'uses setTimeout('],
    ['the console', 'console.log(x);', 'uses console.'],
  ])('catches %s', (_what, planted, message) => {
    const problems = coreViolations('planted.ts', `const before = 1;\n${planted}\nconst after = 2;\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('ignores comments, strings, regexes, property names and import.meta', () => {
    const clean = [
      "// import 'node:fs'; require('fs'); Date.now()",
      "/* const fs = await import('node:fs'); console.log(1) */",
      "const message = \"run require('x') or import('node:fs') yourself\";",
      'const re = /[\'"]import\\(/g;',
      'const ratio = total / count / 2;',
      'const url = new URL(`./x.ts`, import.meta.url);',
      "const api = { require: (s: string) => s, import: 1 }; api.require('fs');",
      "import { mulDec } from './decimal.ts';",
      "export type { Db } from './db.ts';",
      "const engine = await import('./metrics/engine.ts');",
      'export const from = 1;',
    ].join('\n');
    expect(coreViolations('clean.ts', clean)).toEqual([]);
  });
});

describe('core isolation', () => {
  const files = sources('core');

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)('%s imports only core code', (file) => {
    expect(coreViolations(file, readFileSync(file, 'utf8'))).toEqual([]);
  });
});
