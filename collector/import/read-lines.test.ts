import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { readLines, type Line } from './read-lines.ts';

const dir = tempDir();

async function all(content: Buffer | string, maxBytes: number): Promise<Line[]> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.txt`);
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
});
