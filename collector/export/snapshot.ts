/**
 * exportSnapshot: a consistent copy of a (live) database that sql.js opens, made in a worker
 * thread so the daemon keeps ingesting while it runs, written to a temporary file beside the
 * target and renamed into place only once it has passed `PRAGMA integrity_check`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { exportError, type ExportErrorCode, type ExportOptionName } from './errors.ts';
import type { ExportFilters } from './filters.ts';
import type { CopyResult, ExportStage } from './snapshot-copy.ts';
import type { WorkerMessage } from './snapshot-worker.ts';
import { startTsWorker } from './ts-worker.ts';

export interface ExportOptions extends ExportFilters {
  dbPath: string;
  outPath: string;
  onProgress?: (stage: ExportStage) => void;
  /** Abort: the worker is stopped and the temporary file removed. */
  signal?: AbortSignal;
}

export interface ExportResult {
  outPath: string;
  bytes: number;
  /** Rows per table in the copy. */
  tables: Record<string, number>;
  /** Rows removed by the filters (0 without filters). */
  removed: number;
  ms: number;
}

const KNOWN_CODES: readonly string[] = ['E_EXPORT_OPTIONS', 'E_EXPORT_SOURCE', 'E_EXPORT_INTEGRITY'];

function validate(opts: ExportOptions): void {
  const bad = (option: ExportOptionName, detail: string) => {
    throw exportError('E_EXPORT_OPTIONS', detail, option);
  };
  if (!opts.dbPath) bad('dbPath', 'give the database file to export');
  if (!opts.outPath) bad('outPath', 'give the file to write');
  if (!existsSync(opts.dbPath))
    throw exportError('E_EXPORT_SOURCE', `database not found: ${resolve(opts.dbPath)}`, 'dbPath');
  if (resolve(opts.dbPath) === resolve(opts.outPath))
    bad('outPath', 'must differ from the database file (the export never overwrites its source)');
  if (!existsSync(dirname(resolve(opts.outPath))))
    bad('outPath', `folder ${dirname(resolve(opts.outPath))} does not exist; create it first`);
  if (opts.from !== undefined && opts.to !== undefined && opts.from >= opts.to) bad('from', 'must be before `to`');
  if (opts.markets && opts.markets.length === 0) bad('markets', 'give at least one market, or leave it out for all');
}

function runWorker(job: object, opts: ExportOptions): Promise<CopyResult> {
  return new Promise((resolvePromise, reject) => {
    const worker = startTsWorker(new URL('./snapshot-worker.ts', import.meta.url), job);
    let settled = false;
    let aborted = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // Settle on 'exit' only: the temporary file is removed after the worker can no longer write it.
    const onAbort = () => {
      aborted = true;
      void worker.terminate();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.stage as ExportStage);
      else if (m.type === 'done') settle(() => resolvePromise(m.result));
      else {
        const code = (KNOWN_CODES.includes(m.code) ? m.code : 'E_EXPORT_FAILED') as ExportErrorCode;
        settle(() => reject(exportError(code, code === 'E_EXPORT_FAILED' ? `${m.code}: ${m.message}` : m.message)));
      }
    });
    worker.on('error', (err) =>
      settle(() => reject(exportError('E_EXPORT_FAILED', `export worker crashed: ${err.message}`))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          aborted
            ? exportError('E_EXPORT_ABORTED', 'export cancelled')
            : exportError('E_EXPORT_FAILED', `export worker exited with code ${code} before finishing`),
        ),
      ),
    );
  });
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function exportSnapshot(opts: ExportOptions): Promise<ExportResult> {
  validate(opts);
  if (opts.signal?.aborted) throw exportError('E_EXPORT_ABORTED', 'export cancelled');
  const started = performance.now();
  const outPath = resolve(opts.outPath);
  // Beside the target, so the final rename stays on one filesystem (atomic).
  const tmpPath = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const job = { dbPath: resolve(opts.dbPath), tmpPath, from: opts.from, to: opts.to, markets: opts.markets };
  try {
    const copy = await runWorker(job, opts);
    await rename(tmpPath, outPath);
    await fsyncDir(dirname(outPath));
    return { outPath, ...copy, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(tmpPath, { force: true });
    rmSync(`${tmpPath}-journal`, { force: true });
  }
}
