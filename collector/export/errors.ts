/** Errors of the snapshot export; `code` says which part failed. */
import { FbError } from '../../core/errors.ts';

export type ExportErrorCode =
  /** Bad options (filters, paths); the message names the option. */
  | 'E_EXPORT_OPTIONS'
  /** The source database is missing or unreadable. */
  | 'E_EXPORT_SOURCE'
  /** The copy failed `PRAGMA integrity_check`; nothing was written to the target. */
  | 'E_EXPORT_INTEGRITY'
  /** The export was cancelled (daemon shutting down). */
  | 'E_EXPORT_ABORTED'
  /** Anything else (disk full, worker crash); the message carries SQLite's or Node's error. */
  | 'E_EXPORT_FAILED';

export type ExportOptionName = 'dbPath' | 'outPath' | 'from' | 'to' | 'markets';

/**
 * `detail` says what went wrong and the fix without the option name; `option` names the option
 * at fault, so a CLI can name its own flag.
 */
export const exportError = (code: ExportErrorCode, detail: string, option?: ExportOptionName): FbError =>
  new FbError(code, option ? `${option}: ${detail}` : detail, { detail, option });
