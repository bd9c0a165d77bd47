/**
 * GET /snapshot.sqlite: a fresh consistent export of the live database, streamed as a download.
 * One at a time (each one copies the whole database): a second request while one is running gets
 * 503 with Retry-After. Optional query filters: from, to (epoch ms or ISO), markets (comma list).
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../core/log.ts';
import { parseFilters, type ExportFilters } from '../export/filters.ts';
import { exportSnapshot, type ExportResult } from '../export/snapshot.ts';
import { sendError } from './http-reply.ts';
import type { FbError } from '../../core/errors.ts';

const RETRY_AFTER_S = 5;
/** Downloads served at once (each holds a full copy open). */
const MAX_DOWNLOADS = 2;
const DOWNLOAD_IDLE_MS = 60_000;

export class SnapshotRoute {
  private busy = false;
  private downloads = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly dbPath: string,
    private readonly logger: Logger,
  ) {}

  async serve(res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    let filters: ExportFilters;
    try {
      filters = parseFilters({ from: q('from'), to: q('to'), markets: q('markets') }, (name) => name);
    } catch (err) {
      return sendError(res, 400, (err as FbError).code, (err as Error).message, headers);
    }
    if (this.busy || this.downloads >= MAX_DOWNLOADS) {
      return sendError(res, 503, 'E_EXPORT_BUSY', 'a snapshot is being made; retry shortly', {
        ...headers,
        'Retry-After': String(RETRY_AFTER_S),
      });
    }
    // The slot covers making the copy, the expensive part; downloads may overlap.
    this.busy = true;
    let copy: { result: ExportResult; file: FileHandle };
    try {
      copy = await this.makeCopy(filters);
    } catch (err) {
      const e = err as FbError;
      if (e.code === 'E_EXPORT_ABORTED') return sendError(res, 503, e.code, 'the daemon is shutting down', headers);
      this.logger.error({ err: e.message, code: e.code }, 'snapshot failed');
      return sendError(res, e.code === 'E_EXPORT_SOURCE' ? 503 : 500, e.code ?? 'E_EXPORT_FAILED', e.message, headers);
    } finally {
      this.busy = false;
    }
    const { result, file } = copy;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/vnd.sqlite3',
      'Content-Length': String(result.bytes),
      'Content-Disposition': `attachment; filename="futuresboard-${stamp}.sqlite"`,
    });
    // A reader that stalls would hold a full copy open: give up on it after a quiet minute.
    res.setTimeout(DOWNLOAD_IDLE_MS, () => res.destroy());
    this.downloads++;
    try {
      await pipeline(file.createReadStream(), res);
      this.logger.info({ bytes: result.bytes, ms: result.ms, tables: result.tables }, 'snapshot served');
    } catch {
      // The client went away mid-download, or the daemon is stopping: nothing left to tell.
      res.destroy();
    } finally {
      this.downloads--;
      await file.close().catch(() => {});
    }
  }

  /**
   * Export into a private temporary folder and return the copy opened, with the folder already
   * removed: the open handle keeps the data readable, and nothing is left on disk if the
   * download stalls or the daemon dies mid-way.
   */
  private async makeCopy(filters: ExportFilters): Promise<{ result: ExportResult; file: FileHandle }> {
    // Beside the database, not in the system temp folder (often a small RAM-backed tmpfs).
    const dir = await mkdtemp(join(dirname(this.dbPath), '.futuresboard-snapshot-'));
    try {
      const result = await exportSnapshot({
        dbPath: this.dbPath,
        outPath: join(dir, 'snapshot.sqlite'),
        ...filters,
        signal: this.abort.signal,
      });
      return { result, file: await open(result.outPath, 'r') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Cancel a running export (daemon shutdown). */
  close(): void {
    this.abort.abort();
  }
}
