/**
 * Lines of a file, streamed: memory stays bounded by `maxBytes` whatever the input. `readline`
 * holds a whole line in memory, so one huge line (a garbage file without newlines, a corrupted
 * archive) ran Node out of memory; here the bytes of a line beyond `maxBytes` are discarded as
 * they arrive and the line is reported as too long.
 */
import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number. */
  number: number;
  /** The line's text without its line break; null when it was longer than `maxBytes`. */
  text: string | null;
  /** Bytes of the line, line break included (for progress). */
  bytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

export async function* readLines(path: string, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): Line => {
    number++;
    let text: string | null = null;
    if (!tooLong) {
      // Decoded per whole line, so a multi-byte character split across chunks stays intact.
      const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, kept);
      text = buf.toString('utf8', 0, buf.length > 0 && buf[buf.length - 1] === CR ? buf.length - 1 : buf.length);
    }
    const line = { number, text, bytes };
    parts = [];
    kept = bytes = 0;
    tooLong = false;
    return line;
  };
  const take = (chunk: Buffer) => {
    bytes += chunk.length;
    if (tooLong) return;
    if (kept + chunk.length > maxBytes) {
      tooLong = true;
      parts = [];
      kept = 0;
      return;
    }
    parts.push(chunk);
    kept += chunk.length;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(LF, from); at >= 0; at = chunk.indexOf(LF, from)) {
      take(chunk.subarray(from, at));
      bytes++;
      yield finish();
      from = at + 1;
    }
    if (from < chunk.length) take(chunk.subarray(from));
  }
  if (bytes > 0) yield finish();
}
