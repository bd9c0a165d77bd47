import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { readLines, type Line } from './read-lines.ts';

const dir = tempDir();

async function all(content: Buffer | string, maxBytes: number, ext = '.txt'): Promise<Line[]> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}${ext}`);
  writeFileSync(file, content);
  const out: Line[] = [];
  for await (const l of readLines(file, maxBytes)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits on LF and CRLF, keeps blank lines and a last line without a newline', async () => {
    const lines = await all('a\r\n\nb\nc', 100);
    expect(lines.map((l) => [l.number, l.text, l.bytes])).toEqual([
      [1, 'a', 3],
      [2, '', 1],
      [3, 'b', 2],
      [4, 'c', 1],
    ]);
  });

  it('reports a line longer than the limit as null, without its bytes, and goes on after it', async () => {
    // Longer than one read chunk (64 KiB), so the line is discarded across chunks.
    const long = 'x'.repeat(300_000);
    const lines = await all(`first\n${long}\nlast\n`, 1000);
    expect(lines.map((l) => [l.number, l.text, l.bytes])).toEqual([
      [1, 'first', 6],
      [2, null, long.length + 1],
      [3, 'last', 5],
    ]);
  });

  it('decodes a multi-byte character split across read chunks', async () => {
    // "€" is three bytes; put it across the 64 KiB chunk boundary.
    const text = 'a'.repeat(65_535) + '€' + 'b';
    const lines = await all(Buffer.from(`${text}\n`), 1 << 20);
    expect(lines).toHaveLength(1);
    expect(lines[0].text).toBe(text);
  });

  it('decompresses a .gz file into the same lines', async () => {
    const text = 'a\r\n\nb\n' + 'x'.repeat(200_000) + '\nlast';
    const lines = await all(gzipSync(text), 1 << 20, '.jsonl.gz');
    expect(lines).toEqual(await all(text, 1 << 20));
  });

  it('gives every line before the cut of a truncated .gz, then one truncated line in place of the partial one', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `{"line":${i}}`).join('\n') + '\n';
    const whole = gzipSync(text);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const lines = await all(cut, 1 << 20, '.jsonl.gz');
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ number: lines.length, text: null, truncated: true });
    const read = lines.slice(0, -1);
    expect(read.length).toBeGreaterThan(0);
    expect(read.length).toBeLessThan(2000);
    expect(read.map((l) => l.text)).toEqual(text.split('\n').slice(0, read.length));
    expect(read.every((l) => !l.truncated)).toBe(true);
  });

  it('reports a corrupt .gz as truncated where the damage starts, and a missing file as an error', async () => {
    const whole = gzipSync('first\nsecond\n');
    const damaged = Buffer.from(whole);
    damaged.fill(0xff, 10, damaged.length - 8);
    const lines = await all(damaged, 100, '.gz');
    expect(lines.at(-1)).toMatchObject({ text: null, truncated: true });
    await expect(async () => {
      for await (const _ of readLines(join(dir, 'missing.gz'), 100));
    }).rejects.toThrow(/ENOENT/);
  });
});
