/** Worker-thread entry of exportSnapshot: runs the synchronous copy off the daemon's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { copySnapshot, type SnapshotJob } from './snapshot-copy.ts';

export type WorkerMessage =
  | { type: 'progress'; stage: string }
  | { type: 'done'; result: ReturnType<typeof copySnapshot> }
  | { type: 'failed'; code: string; message: string };

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  post({ type: 'done', result: copySnapshot(workerData as SnapshotJob, (stage) => post({ type: 'progress', stage })) });
} catch (err) {
  post({ type: 'failed', code: (err as { code?: string }).code ?? 'E_EXPORT_FAILED', message: (err as Error).message });
}
