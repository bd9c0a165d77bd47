/**
 * How far a store role got, seen from outside its process as an operator would: the rows in its
 * database (read-only connection, polled) and its JetStream consumer's lag. Both give up after a
 * timeout: a store that lost events would otherwise hang the benchmark.
 */
import Database from 'better-sqlite3';
import type { JetStreamManager } from '@nats-io/jetstream';
import { maxSeq } from '../collector/store/insert.ts';

const POLL_MS = 10;

export interface StoreRows {
  /** The wall-clock time (epoch ms) at which the store's database first held `rows` rows; rejects after `timeoutMs`. */
  reached(rows: number, timeoutMs: number): Promise<number>;
  close(): void;
}

interface Waiter {
  rows: number;
  deadline: number;
  resolve: (at: number) => void;
  reject: (err: Error) => void;
}

/**
 * Watches the store's database (it must exist: the role creates it before it listens). The store
 * assigns seq 1, 2, … in consumption order, so its largest seq is the number of rows committed.
 */
export function watchStoreRows(dbPath: string): StoreRows {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let waiting: Waiter[] = [];
  const timer = setInterval(() => {
    if (!waiting.length) return;
    const rows = maxSeq(db);
    const at = Date.now();
    waiting = waiting.filter((w) => {
      if (rows >= w.rows) w.resolve(at);
      else if (at > w.deadline)
        w.reject(new Error(`the store had recorded ${rows} of ${w.rows} rows when the wait timed out`));
      else return true;
      return false;
    });
  }, POLL_MS);
  return {
    reached: (rows, timeoutMs) =>
      new Promise((resolve, reject) => waiting.push({ rows, deadline: Date.now() + timeoutMs, resolve, reject })),
    close() {
      clearInterval(timer);
      db.close();
    },
  };
}

/** The wall-clock time (epoch ms) at which the consumer has nothing pending or unacknowledged; rejects after `timeoutMs`. */
export async function consumerDrained(
  jsm: JetStreamManager,
  stream: string,
  consumer: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The store deletes and re-creates its consumer at start: "not found" for a moment is not drained.
    const info = await jsm.consumers.info(stream, consumer).catch(() => null);
    if (info && info.num_pending + info.num_ack_pending === 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`consumer ${consumer} still had messages pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
