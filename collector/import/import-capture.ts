/**
 * Normalizes recorded raw frames (capture format; docs/developer_guide.md, Raw archive and
 * import) through the same parsers as the live collector. Files are streamed line by line with a
 * bounded line length; each session in them (capture-session.ts) is normalized as the collector
 * did it live.
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from '../../core/log.ts';
import { createLiveMetrics } from '../live-metrics.ts';
import { saveMarkets } from '../store/markets.ts';
import { EventWriter } from '../store/writer.ts';
import { parseCaptureLine } from './capture-line.ts';
import { CaptureSession } from './capture-session.ts';
import type { ArchivedFeed } from '../feed/raw-recorder.ts';
import { readLines } from './read-lines.ts';
import { hasErrorCode } from '../../core/errors.ts';

/**
 * Longest capture line read. The largest exchange frames (full order-book snapshots of every
 * market) are a few MiB; a longer line is counted as malformed and never held in memory whole.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Line numbers of malformed lines kept per file for the summary. */
const FIRST_MALFORMED = 5;

export interface FileReport {
  file: string;
  lines: number;
  /** Lines that are not a capture line: not JSON, not an object with `t`, missing fields, too long, cut off. */
  malformed: number;
  firstMalformed: number[];
  /** A `.gz` file that ends early (the collector was killed): read up to the cut, which counts as one malformed line. */
  truncated: boolean;
}

export interface ImportResult {
  lines: number;
  frames: number;
  events: number;
  byKind: Record<string, number>;
  /** Frames the exchange parsers rejected. */
  parseErrors: number;
  /** Lines of connections or URLs that belong to no supported exchange (e.g. spot). */
  skippedLines: number;
  malformedLines: number;
  files: FileReport[];
}

export async function importCaptures(
  db: Database.Database,
  files: string[],
  opts: {
    logger: Logger;
    /** Metrics settings (as in the config file's `metrics`); metrics and alerts are computed as the collector would. */
    metrics?: unknown;
    onProgress?: (bytes: number, total: number, events: number) => void;
    maxLineBytes?: number;
  },
): Promise<ImportResult> {
  const result: ImportResult = {
    lines: 0,
    frames: 0,
    events: 0,
    byKind: {},
    parseErrors: 0,
    skippedLines: 0,
    malformedLines: 0,
    files: [],
  };
  const metrics = createLiveMetrics(db, opts.metrics ?? {}, opts.logger, Date.now);
  const writer = new EventWriter(db, {
    flushMs: 1000,
    flushRows: 5000,
    logger: opts.logger,
    inTransaction: (batch) => metrics.inTransaction(batch),
  });
  const toWriter = (e: Parameters<EventWriter['push']>[0], stream: string) => {
    result.events++;
    result.byKind[e.kind] = (result.byKind[e.kind] ?? 0) + 1;
    writer.push(e, stream);
  };
  const endSession = (s: CaptureSession) => saveMarkets(db, s.instruments(), Date.now());
  // The session being imported. A rotated archive's next file continues it (same `session` in
  // its header): the parsers, gates and pending gaps carry on as they did live.
  let session: CaptureSession | null = null;
  let sessionId: string | null = null;
  const begin = (feeds: ArchivedFeed[] | null, id: string | null) => {
    if (session) endSession(session);
    // A collector session's restart gaps are measured against what is written so far, as the
    // collector measured them at its start.
    writer.flush();
    session = new CaptureSession(db, feeds, toWriter);
    sessionId = id;
    return session;
  };
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  let done = 0;

  for (const file of files) {
    const report: FileReport = { file, lines: 0, malformed: 0, firstMalformed: [], truncated: false };
    result.files.push(report);
    // A file without a header (another tool's capture) is a session of its own.
    let current: CaptureSession | null = null;
    let fileBytes = 0;
    const lines = readLines(file, opts.maxLineBytes ?? MAX_LINE_BYTES, (n) => (fileBytes = n));
    for await (const { number, text, truncated } of lines) {
      result.lines++;
      report.lines = number;
      if (number % 500 === 0) opts.onProgress?.(done + fileBytes, total, result.events);
      if (text !== null && !text.trim()) continue;
      const line = text === null ? null : parseCaptureLine(text);
      if (!line) {
        if (truncated) report.truncated = true;
        result.malformedLines++;
        if (report.malformed++ < FIRST_MALFORMED) report.firstMalformed.push(number);
        continue;
      }
      if (line.t === 'header') {
        const continues = session !== null && line.session !== null && line.session === sessionId;
        current = continues ? session : begin(line.feeds, line.session);
        continue;
      }
      current ??= begin(null, null);
      try {
        const outcome = current.apply(line);
        if (outcome === 'frame') result.frames++;
        else if (outcome === 'skipped') result.skippedLines++;
      } catch (err) {
        if (!hasErrorCode(err, 'E_PARSE'))
          opts.logger.error({ err, file, line: number }, 'unexpected error on a recorded frame');
        result.parseErrors++;
        if (result.parseErrors <= 10)
          opts.logger.warn({ file, line: number, err: (err as Error).message }, 'malformed frame skipped');
      }
    }
    done += statSync(file).size;
  }
  if (session) endSession(session);
  writer.close();
  opts.onProgress?.(total, total, result.events);
  return result;
}
