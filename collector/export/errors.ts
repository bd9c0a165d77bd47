/** Errors of the snapshot export; `code` says which part failed. */
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

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    /** What went wrong and the fix, without the option name. */
    readonly detail: string,
    /** The option at fault, so a CLI can name its own flag. */
    readonly option?: ExportOptionName,
  ) {
    super(option ? `${option}: ${detail}` : detail);
    this.name = 'ExportError';
  }
}
