/**
 * Shared by the replay and backtest tests: the committed fixture session opened through either
 * adapter, and golden-file comparison. Golden files are rewritten only with UPDATE_GOLDEN=1 and
 * never when CI=true, so CI can only compare.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { expect } from 'vitest';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openSqlJsDb } from '../../replay/adapters/sqljs.ts';
import type { Db } from '../../core/db.ts';
import { FIXTURE_DB } from './make-fixture-db.ts';

export { FIXTURE_DB };

let sqlJs: Promise<SqlJsStatic> | undefined;
export const loadSqlJs = (): Promise<SqlJsStatic> => (sqlJs ??= initSqlJs());

export type AdapterName = 'better-sqlite3' | 'sql.js';
export const ADAPTERS: readonly AdapterName[] = ['better-sqlite3', 'sql.js'];

/** The fixture file through one adapter (sql.js reads the file's bytes, as the browser does). */
export async function openFixture(adapter: AdapterName, path = FIXTURE_DB): Promise<Db> {
  if (adapter === 'better-sqlite3') return openNodeDb(path, { readonly: true });
  return openSqlJsDb(await loadSqlJs(), readFileSync(path));
}

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** Compare `actual` with test/replay/golden/<name>; UPDATE_GOLDEN=1 (outside CI) rewrites it instead. */
export function expectGolden(name: string, actual: string): void {
  const path = GOLDEN_DIR + name;
  if (process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true') {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    throw new Error(
      `golden file test/replay/golden/${name} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/replay`,
    );
  expect(
    actual,
    `differs from test/replay/golden/${name} (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`,
  ).toBe(readFileSync(path, 'utf8'));
}
