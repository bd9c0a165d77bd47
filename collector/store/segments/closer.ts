/**
 * The segment closer: one long-lived worker thread (close-worker.ts) that closes one range at a
 * time. Started on the first job; held open (ref'd) only while a job runs, so an idle closer
 * never keeps a process alive. A crashed worker fails its job and is started again for the next.
 */
import type { Worker } from 'node:worker_threads';
import type { SegmentEntry } from '../../../core/catalog.ts';
import { FbError } from '../../../core/errors.ts';
import { startTsWorker } from '../../export/ts-worker.ts';
import type { CloseJob, CloseReply } from './close-worker.ts';

interface Waiting {
  resolve: (entry: SegmentEntry) => void;
  reject: (err: Error) => void;
}

export class SegmentCloser {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  /** The closed entry of `job`'s range, its file renamed into place (not yet catalogued). */
  close(job: CloseJob): Promise<SegmentEntry> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  /** Stops the worker; a job in flight fails (its range stays queued for the next start). */
  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll('the segment closer was stopped');
  }

  private start(): Worker {
    const worker = startTsWorker(new URL('./close-worker.ts', import.meta.url), null);
    worker.on('message', (m: CloseReply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (!w) return;
      if ('entry' in m) w.resolve(m.entry);
      else w.reject(new FbError(m.code, m.message));
    });
    const gone = (why: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(why);
    };
    worker.on('error', (err) => gone(`the segment closer crashed: ${err.message}`));
    worker.on('exit', (code) => gone(`the segment closer exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(why: string): void {
    for (const w of this.waiting.values()) w.reject(new FbError('E_SEGMENT_CLOSE', `${why}; the close is retried`));
    this.waiting.clear();
  }
}
