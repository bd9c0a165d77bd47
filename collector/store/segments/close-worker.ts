/**
 * Worker-thread entry of the segment closer (closer.ts): copying a period's rows out of the hot
 * database, checking and compressing them runs here, off the collector's event loop. Jobs come one
 * at a time; each answers with the closed entry or the error's code and message.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { SegmentEntry } from '../../../core/catalog.ts';
import { FbError, type ErrorCode } from '../../../core/errors.ts';
import { extractSegment } from '../extract.ts';
import type { CloseRange } from './hot-state.ts';
import { packSegment } from './publish.ts';

export interface CloseJob {
  hotPath: string;
  dir: string;
  name: string;
  range: CloseRange;
  codeVersion: string;
}

export type CloseReply = { id: number; entry: SegmentEntry } | { id: number; code: ErrorCode; message: string };

async function closeSegment(job: CloseJob): Promise<SegmentEntry> {
  const tmp = join(job.dir, `${job.name}.sqlite.tmp`);
  // Left by a close that was interrupted: extractSegment creates its file anew.
  rmSync(tmp, { force: true });
  rmSync(`${tmp}-journal`, { force: true });
  const summary = extractSegment(job.hotPath, tmp, job.range, job.codeVersion);
  return packSegment(job.dir, tmp, job.name, summary, job.range);
}

parentPort!.on('message', async ({ id, job }: { id: number; job: CloseJob }) => {
  let reply: CloseReply;
  try {
    reply = { id, entry: await closeSegment(job) };
  } catch (err) {
    // SQLite and file system errors (disk full…) carry codes of their own: named in the message.
    reply =
      err instanceof FbError
        ? { id, code: err.code, message: err.message }
        : {
            id,
            code: 'E_SEGMENT_CLOSE',
            message: `closing segment ${job.name} failed (${(err as Error).message}); its rows stay in the hot database and the close is retried`,
          };
  }
  parentPort!.postMessage(reply);
});
