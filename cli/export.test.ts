/** `futuresboard export` as a user runs it. */
import type { FbError as CliError } from '../core/errors.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, tempDir, trade } from '../collector/relay/test-support.ts';
import { writeEvents } from '../test/helpers/write-recording.ts';
import { runExport } from './export.ts';

let tmp: ReturnType<typeof tempDir>;
let dbPath: string;

beforeEach(() => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'live.db');
  const db = createDatabase(dbPath);
  // 2026-01-01T00:00:00Z and one minute later.
  writeEvents(db, [
    trade('BTC/USDT:USDT', '65000.1', 1_767_225_600_000),
    trade('BTC/USDT:USDT', '65000.1', 1_767_225_660_000),
  ]);
  db.close();
});
afterEach(() => tmp.cleanup());

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runExport(argv, (s) => lines.push(s));
  return { code, lines };
}

const usageError = (argv: string[]) =>
  run(argv).then(
    () => null,
    (e: CliError) => [e.exitCode, e.message],
  );

describe('futuresboard export', () => {
  it('prints help', async () => {
    const { code, lines } = await run(['--help']);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^Usage: futuresboard export \(--db <file> \| --recordings <dir>\) --out <file>/);
    expect(lines.join('\n')).toContain('--markets <list>');
  });

  it('writes the copy, printing progress and the row counts, with filters given as ISO times', async () => {
    const out = join(tmp.dir, 'snap.sqlite');
    const { code, lines } = await run([
      '--db',
      dbPath,
      '--out',
      out,
      '--from',
      '2026-01-01T00:00:30Z',
      '--markets',
      'BTC/USDT:USDT',
    ]);
    expect(code).toBe(0);
    expect(lines).toContain('export: copying…');
    expect(lines.some((l) => l.startsWith(`export: wrote ${out} (`))).toBe(true);
    expect(lines.at(-1)).toBe('export: rows: trades 1; left out by the filters: 1');
    const SQL = await initSqlJs();
    const copy = new SQL.Database(readFileSync(out));
    expect(copy.exec('SELECT local_ts FROM trades')[0].values).toEqual([[1_767_225_660_000]]);
    copy.close();
  });

  it('names the flag in one-line usage errors (exit 2) and reports a missing database (exit 1)', async () => {
    const out = join(tmp.dir, 'x.sqlite');
    expect(await usageError(['--out', out])).toEqual([
      2,
      '--db or --recordings is required: the database file or recordings folder to copy (see --help)',
    ]);
    expect(await usageError(['--db', dbPath])).toEqual([2, '--out is required: the file to write (see --help)']);
    expect(await usageError(['--db', dbPath, '--out', out, '--from', 'yesterday'])).toEqual([
      2,
      '--from must be epoch milliseconds or an ISO time such as 2026-01-01T00:00:00Z, got "yesterday"',
    ]);
    expect(await usageError(['--db', dbPath, '--out', dbPath])).toEqual([
      2,
      '--out: must differ from the database file (the export never overwrites its source)',
    ]);
    expect(await usageError(['--db', dbPath, '--out', out, '--speed', '2'])).toEqual([
      2,
      expect.stringContaining("Unknown option '--speed'"),
    ]);
    expect(await usageError(['--db', join(tmp.dir, 'nope.db'), '--out', out])).toEqual([
      1,
      `--db: database not found: ${join(tmp.dir, 'nope.db')}`,
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
