/**
 * `futuresboard import` of bad capture files: malformed lines are counted and summarized (count
 * and first line numbers) in one line, never one warning per line or a stack trace; a file with
 * nothing importable exits 1; a line over the documented limit is skipped as malformed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from '../../collector/import/import-capture.ts';
import { needsShared, sharedPath } from '../helpers/shared-data.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const CAPTURE = sharedPath('captures/okx.2022-05-13.jsonl');

function runImport(file: string, db: string) {
  const r = spawnSync(process.execPath, ['bin/futuresboard', 'import', file, '--db', db], { encoding: 'utf8' });
  // Progress lines ("import 10% …") are not messages.
  const messages = r.stderr.split('\n').filter((l) => l && !/^import \d+%/.test(l));
  return { status: r.status, stdout: r.stdout, messages };
}

const count = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true });
  const n = d.prepare(sql).pluck().get() as number;
  d.close();
  return n;
};

describe('futuresboard import of bad input', () => {
  it('a garbage file: exit 1 with one line that counts the malformed lines and names the first', () => {
    const file = join(dir, 'garbage.jsonl');
    writeFileSync(file, 'not a capture line\n'.repeat(20_000));
    const r = runImport(file, join(dir, 'garbage.db'));
    expect(r.status).toBe(1);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toContain(
      `no frames imported: ${file}: 20000 of 20000 lines malformed, skipped (line 1, 2, 3, 4, 5, …)`,
    );
  });

  it('a JSON null line: exit 1 with one line, no trace', () => {
    const file = join(dir, 'null.jsonl');
    writeFileSync(file, 'null\n');
    const r = runImport(file, join(dir, 'null.db'));
    expect(r.status).toBe(1);
    expect(r.messages).toEqual([expect.stringContaining('1 of 1 lines malformed, skipped (line 1)')]);
  });

  it.skipIf(needsShared('the import test that mixes bad lines into the recorded OKX session (../shared/captures)'))(
    'bad lines among good ones, one longer than the limit: the good ones are imported, the bad summarized',
    () => {
      const clean = join(dir, 'clean.db');
      expect(runImport(CAPTURE, clean).status).toBe(0);

      const lines = readFileSync(CAPTURE, 'utf8').trimEnd().split('\n');
      const file = join(dir, 'mixed.jsonl');
      const fd = openSync(file, 'w');
      writeSync(fd, `${lines[0]}\nnull\n[1,2]\n{"t":"recv","conn":"OKX.ws.1"}\n`);
      // An over-long line, written in pieces: the importer must skip it without holding it.
      const piece = 'x'.repeat(1 << 20);
      for (let n = 0; n <= MAX_LINE_BYTES; n += piece.length) writeSync(fd, piece);
      writeSync(fd, `\n${lines.slice(1).join('\n')}\n`);
      closeSync(fd);

      const mixed = join(dir, 'mixed.db');
      const r = runImport(file, mixed);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/0 malformed frames skipped; 4 malformed lines skipped/);
      expect(r.messages).toHaveLength(1);
      expect(r.messages[0]).toContain(
        `warning: ${file}: 4 of ${lines.length + 4} lines malformed, skipped (line 2, 3, 4, 5)`,
      );
      for (const table of ['trades', 'book_tops', 'derivative_tickers'])
        expect(count(mixed, `SELECT count(*) FROM ${table}`), table).toBe(
          count(clean, `SELECT count(*) FROM ${table}`),
        );
      expect(count(mixed, 'SELECT count(*) FROM trades')).toBeGreaterThan(0);
    },
  );
});
