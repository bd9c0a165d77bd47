/**
 * The SQLite bytes of a compressed segment (published on the site, or a local file): the gzip
 * bytes checked against the sha256 the manifest or catalog gives, then gunzipped with the
 * browser's own DecompressionStream. A host that decompresses `.gz` files on the way (it sends
 * `Content-Encoding: gzip` for them) hands over the SQLite bytes already: those are taken as they
 * are (the header and schema checks still run when they are opened).
 */
import { FbError } from '../../../core/errors.ts';
import { readAll } from './read-stream.ts';

const GZIP_MAGIC = [0x1f, 0x8b];
const isGzip = (b: Uint8Array) => b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function gunzip(gz: Uint8Array, name: string, maxBytes: number): Promise<Uint8Array> {
  const inflated = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const tooLarge = (size: number) =>
    new FbError(
      'E_TOO_LARGE',
      `${name} holds more than ${(maxBytes / 1048576).toFixed(0)} MB of SQLite (${size} bytes read); raise the limit with ?maxmb=`,
    );
  try {
    return await readAll(inflated, maxBytes, tooLarge);
  } catch (err) {
    if (err instanceof FbError) throw err;
    throw new FbError(
      'E_MANIFEST',
      `${name} is not valid gzip data (${(err as Error).message}); publish the site again`,
    );
  }
}

/** Checked and decompressed bytes of segment `name`, whose compressed bytes are `raw`. */
export async function segmentSqlite(raw: Uint8Array, name: string, sha256: string | null, maxBytes: number) {
  if (!isGzip(raw)) return raw;
  if (sha256 !== null && (await sha256Hex(raw)) !== sha256)
    throw new FbError(
      'E_MANIFEST',
      `${name} differs from its sha256 in the manifest (changed or cut on the way); publish the site again`,
    );
  return gunzip(raw, name, maxBytes);
}

/** Download a published segment's bytes (no range requests, no compression negotiation needed). */
export async function fetchBytes(url: string, name: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new FbError('E_FETCH', `could not download ${name}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new FbError('E_FETCH', `could not download ${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
