/**
 * Messages between the pages and the sql.js worker. The worker speaks to the replay page in
 * the relay's own shape (`channels` of metrics, tickers, alerts, gaps), so the live table code
 * renders a replay unchanged.
 */
import type { BacktestReport } from '../../../replay/backtest/report.ts';
import type { ParamValue } from '../../../replay/backtest/params.ts';
import type { Speed } from '../../../replay/player/speed.ts';
import type { ChannelItems } from '../../../core/relay-protocol.ts';

/**
 * What to open: one recording file (fetched or local), a published session (its segments
 * streamed from the site), or a folder of local files (catalog.json and its segments, or segment
 * files picked together).
 */
export type RecordingSource =
  | { kind: 'url'; url: string; name: string }
  | { kind: 'file'; file: File }
  | { kind: 'published'; manifestUrl: string; session: string }
  | { kind: 'files'; files: File[] };

/** A receipt-time window [from, to) within the recording (URL `from`/`to`), and the markets played. */
export interface PlayWindow {
  from?: number;
  to?: number;
  markets?: readonly string[];
}

export interface RecordingSummary {
  name: string;
  /** Bytes of the file, or of all segments (compressed) of a streamed recording. */
  bytes: number;
  /** Segments streamed one by one; 1 for a single file. */
  segments: number;
  events: number;
  firstTs: number | null;
  lastTs: number | null;
  markets: string[];
  /** The file's schema version (null for a streamed recording: each segment is checked as it opens). */
  schemaVersion: number | null;
}

/** A point of a replayed price series: last mid/trade price per recorded second. */
export interface PricePoint {
  exchange: string;
  market: string;
  t: number;
  v: number;
}

export type ToWorker =
  | { type: 'open'; source: RecordingSource; maxBytes: number; window?: PlayWindow }
  | { type: 'play'; speed: Speed; from: number | null }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'seek'; ts: number }
  | { type: 'speed'; speed: Speed }
  | { type: 'backtest'; strategy: string; params: Record<string, ParamValue> };

/** Why a recording could not be loaded; the worker passes these on with their own message. */
export const LOAD_ERROR_CODES = [
  'E_TOO_LARGE',
  'E_FETCH',
  'E_NOT_SQLITE',
  'E_NOT_RECORDING',
  'E_DB_TOO_NEW',
  'E_EMPTY',
  'E_MANIFEST',
  'E_CATALOG',
] as const;
export type WorkerErrorCode = (typeof LOAD_ERROR_CODES)[number] | 'E_REPLAY' | 'E_BACKTEST';

export type FromWorker =
  | { type: 'progress'; phase: 'download' | 'read' | 'wasm' | 'open'; loaded: number; total: number | null }
  | { type: 'opened'; summary: RecordingSummary }
  | { type: 'error'; code: WorkerErrorCode; message: string }
  | { type: 'reset' }
  /** The replay waits for a segment still downloading (true), or plays on (false). */
  | { type: 'waiting'; waiting: boolean }
  | {
      type: 'tick';
      position: number | null;
      emitted: number;
      paused: boolean;
      done: boolean;
      channels: ChannelItems;
      points: PricePoint[];
    }
  | { type: 'bt-progress'; done: number; total: number }
  | { type: 'bt-done'; report: BacktestReport; tradesCsv: string; equityCsv: string; points: PricePoint[] };
