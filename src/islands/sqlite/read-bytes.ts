/**
 * The bytes of a recording, from the site (fetch) or a local file, with progress and a size
 * limit checked before anything large is held in memory.
 */
import type { RecordingSource } from './protocol.ts';
import { FbError } from '../../../core/errors.ts';
import { readAll } from './read-stream.ts';

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

function tooLarge(size: number, maxBytes: number): FbError {
  return new FbError(
    'E_TOO_LARGE',
    `this recording is ${mb(size)}, above the ${mb(maxBytes)} limit; open a shorter one (futuresboard export --from/--to) or raise the limit with ?maxmb=`,
  );
}

export async function readRecording(
  source: Extract<RecordingSource, { kind: 'url' | 'file' }>,
  maxBytes: number,
  onProgress: (loaded: number, total: number | null) => void,
): Promise<Uint8Array> {
  if (source.kind === 'file') {
    if (source.file.size > maxBytes) throw tooLarge(source.file.size, maxBytes);
    onProgress(0, source.file.size);
    const bytes = new Uint8Array(await source.file.arrayBuffer());
    onProgress(bytes.length, bytes.length);
    return bytes;
  }
  let res: Response;
  try {
    res = await fetch(source.url);
  } catch (err) {
    throw new FbError('E_FETCH', `could not download ${source.name}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new FbError('E_FETCH', `could not download ${source.name}: HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length')) || null;
  if (length !== null && length > maxBytes) throw tooLarge(length, maxBytes);
  return readAll(
    res.body,
    maxBytes,
    (size) => tooLarge(size, maxBytes),
    (loaded) => onProgress(loaded, length),
  );
}
