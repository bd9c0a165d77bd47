/**
 * The import-direction rule of docs/architecture.md: imports only point down the layers,
 * core ← replay ← collector, simulator ← continuity, cli, with src on core and replay and bin on
 * cli alone. A file may always import from its own layer. Tests and test-support files are
 * exempt (they assemble whole systems). test/core-isolation.test.ts adds core's own rules (no
 * Node or DOM modules, no clock or console).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleReferences } from './helpers/module-references.ts';

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  replay: ['core'],
  collector: ['core', 'replay'],
  simulator: ['core', 'replay'],
  continuity: ['core', 'replay', 'collector'],
  cli: ['core', 'replay', 'collector', 'simulator', 'continuity'],
  src: ['core', 'replay'],
  bin: ['cli'],
};
const LAYERS = Object.keys(MAY_IMPORT);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    const code = /\.(ts|tsx|mts|mjs|astro)$/.test(p) || p === join('bin', 'futuresboard');
    return code && !p.includes('.test.') && !p.includes('test-support') ? [p] : [];
  });
}

/** Each import of `file` (source `text`) that reaches a layer it may not use, one line each. */
function upwardImports(file: string, text: string): string[] {
  const layer = file.split(sep)[0];
  const problems: string[] = [];
  for (const ref of moduleReferences(text)) {
    if (!ref.spec?.startsWith('.')) continue;
    const target = normalize(join(dirname(file), ref.spec)).split(sep)[0];
    if (target !== layer && LAYERS.includes(target) && !MAY_IMPORT[layer].includes(target))
      problems.push(`${file} imports ${ref.spec}: ${layer}/ may not depend on ${target}/`);
    else if (!LAYERS.includes(target) && target !== 'package.json')
      problems.push(`${file} imports ${ref.spec}, outside every layer`);
  }
  return problems;
}

describe('the layer rule', () => {
  it('catches an upward import, a dynamic one included, and allows downward and same-layer ones', () => {
    expect(
      upwardImports(join('replay', 'player', 'x.ts'), "import { a } from '../../collector/relay/relay.ts';"),
    ).toHaveLength(1);
    expect(upwardImports(join('collector', 'x.ts'), "const m = await import('../cli/main.ts');")).toHaveLength(1);
    expect(upwardImports(join('src', 'lib', 'x.ts'), "import '../../collector/config.ts';")).toHaveLength(1);
    expect(
      upwardImports(join('cli', 'x.ts'), "import { a } from '../collector/config.ts';\nimport { b } from './kit.ts';"),
    ).toEqual([]);
  });
});

describe('layers', () => {
  const files = LAYERS.flatMap(sources);

  it('finds every layer', () => {
    for (const layer of LAYERS) expect(files.some((f) => f.startsWith(layer + sep))).toBe(true);
  });

  it.each(files)('%s imports only from layers below it', (file) => {
    expect(upwardImports(file, readFileSync(file, 'utf8'))).toEqual([]);
  });
});
