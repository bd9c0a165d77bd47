/**
 * Lines of a file, streamed: memory stays bounded by `maxBytes` whatever the input. `readline`
 * holds a whole line in memory, so one huge line (a garbage file without newlines, a corrupted
 * archive) ran Node out of memory; here the bytes of a line beyond `maxBytes` are discarded as
 * they arrive and the line is reported as too long. A `.gz` file is decompressed as it is read;
 * one cut short (the collector killed mid-file) gives every line before the cut, then a last
 * `truncated` line.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface Line {
  /** 1-based line number. */
  number: number;
  /** The line's text without its line break; null when it was longer than `maxBytes`. */
  text: string | null;
  /** Bytes of the line, line break included. */
  bytes: number;
  /** The end of a damaged `.gz` file: the bytes of a partial last line, if any, are dropped. */
  truncated?: true;
}

/** zlib's codes for a gzip file that ends early or is corrupt (rather than a read error). */
const DAMAGED_GZIP = new Set(['Z_BUF_ERROR', 'Z_DATA_ERROR']);

/** The file's bytes, decompressed when it ends in `.gz`, and how many bytes of the file were read. */
function contents(path: string): { chunks: AsyncIterable<Buffer>; read: () => number } {
  const file = createReadStream(path);
  const read = () => file.bytesRead;
  if (!path.endsWith('.gz')) return { chunks: file, read };
  const gunzip = createGunzip();
  file.on('error', (err) => gunzip.destroy(err));
  return { chunks: file.pipe(gunzip), read };
}

const LF = 0x0a;
const CR = 0x0d;

export async function* readLines(
  path: string,
  maxBytes: number,
  /** Told, after each chunk, how many bytes of the file (compressed, for `.gz`) were read so far. */
  onRead?: (fileBytes: number) => void,
): AsyncGenerator<Line> {
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
  try {
    const { chunks, read } = contents(path);
    for await (const chunk of chunks) {
      onRead?.(read());
      let from = 0;
      for (let at = chunk.indexOf(LF, from); at >= 0; at = chunk.indexOf(LF, from)) {
        take(chunk.subarray(from, at));
        bytes++;
        yield finish();
        from = at + 1;
      }
      if (from < chunk.length) take(chunk.subarray(from));
    }
  } catch (err) {
    if (!DAMAGED_GZIP.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    tooLong = true; // a partial line is not a line: report the cut in its place
    yield { ...finish(), truncated: true };
    return;
  }
  if (bytes > 0) yield finish();
}
