/**
 * One published segment file: the source segment copied into the site's recordings folder while
 * its sha256 is checked against the catalog, written beside its final name and renamed into
 * place, so a published name is either absent or complete. A name that exists with the right
 * size is kept: the name carries the hash, so its bytes cannot differ.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, rmSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FbError } from '../../core/errors.ts';
import type { PublishedFile } from './plan.ts';

/** Copies `file` to `<out>/<name>`; 'kept' when it is there already. */
export async function copySegment(out: string, name: string, file: PublishedFile): Promise<'copied' | 'kept'> {
  const target = join(out, name);
  if (existsSync(target) && statSync(target).size === file.bytes) return 'kept';
  if (!existsSync(file.source))
    throw new FbError(
      'E_CATALOG',
      `${file.source} is in the catalog but missing; run \`futuresboard recordings verify\` on its folder, then publish again`,
    );
  const tmp = `${target}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  try {
    await pipeline(
      createReadStream(file.source),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(tmp),
    );
    const sha256 = hash.digest('hex');
    // A segment is immutable once closed: different bytes mean damage or tampering, never news.
    if (sha256 !== file.sha256)
      throw new FbError(
        'E_CATALOG',
        `${file.source} differs from its catalog entry (sha256 ${sha256.slice(0, 16)}…, catalogued ${file.sha256.slice(0, 16)}…); run \`futuresboard recordings verify\` on its folder`,
      );
    await rename(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return 'copied';
}
