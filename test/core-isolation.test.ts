/**
 * replay/core runs unchanged in the collector, the CLI and the browser: it imports nothing from
 * Node or the DOM and never reads the clock or writes to the console itself (they are passed in).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.includes('test-support') ? [p] : [];
  });
}

const FORBIDDEN_PACKAGES = new Set([...builtinModules, 'ws', 'better-sqlite3', 'pino', 'prom-client', 'simple-git', 'sql.js']);
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /\bconsole\./, /\bprocess\./, /\bdocument\./, /\bwindow\./, /\bsetTimeout\(/, /\bsetInterval\(/];

describe('replay/core isolation', () => {
  const files = sources('replay/core');

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)('%s imports only core code', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const bare = spec.replace(/^node:/, '').split('/')[0];
      expect(spec.startsWith('node:') || FORBIDDEN_PACKAGES.has(bare), `${file} imports ${spec}`).toBe(false);
      if (spec.startsWith('.')) expect(spec.includes('/adapters/') || spec.includes('collector/'), `${file} imports ${spec}`).toBe(false);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const re of FORBIDDEN_CALLS) expect(re.test(code), `${file} uses ${re.source}`).toBe(false);
  });
});
