/**
 * Start a worker thread whose entry point is a TypeScript module. On Node 20 a worker does not
 * inherit tsx's loader hooks (neither from the parent nor via `--import` in execArgv), so the
 * worker first registers tsx itself, then imports the module. Works the same under tsx, vitest
 * and on newer Node versions.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's ESM register API (its CommonJS twin cannot register ESM hooks from an eval worker). */
function tsxEsmApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}

const api = tsxEsmApi();

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  // execArgv: [] so a parent's own loader flags are not applied a second time.
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}
