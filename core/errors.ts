/**
 * The one error type. Callers branch on `code` (a key of the table in error-codes.ts), never on
 * a class, so an error keeps its meaning across a worker boundary or a JSON answer.
 */
import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

export { ERROR_CODES, type ErrorCode, type ErrorInfo, type ErrorKind } from './error-codes.ts';

/** Facts a caller needs beyond the message. */
export interface ErrorFields {
  /** The option at fault, so a CLI can name its own flag (export). */
  option?: string;
  /** The message without the option name (export). */
  detail?: string;
  /** Every invalid field (metrics config). */
  problems?: readonly string[];
  /** The exchange whose frame failed to parse. */
  exchange?: string;
}

export class FbError extends Error {
  readonly option?: string;
  readonly detail?: string;
  readonly problems?: readonly string[];
  readonly exchange?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    fields: ErrorFields = {},
  ) {
    super(message);
    this.name = 'FbError';
    Object.assign(this, fields);
  }

  /** 2 when the command line or config is wrong, like a usage error; 1 otherwise. */
  get exitCode(): 1 | 2 {
    return exitCodeFor(this.code);
  }
}

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** The documented code of anything thrown, or null for an unexpected error. */
export function errorCodeOf(err: unknown): ErrorCode | null {
  const code = (err as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : null;
}

/** An FbError known to carry code `C`. */
export type CodedError<C extends ErrorCode = ErrorCode> = FbError & { readonly code: C };

/** True when `err` carries one of `codes` (any documented code when none are given). */
export function hasErrorCode<C extends ErrorCode>(err: unknown, ...codes: C[]): err is CodedError<C> {
  const code = errorCodeOf(err);
  return code !== null && (codes.length === 0 || (codes as ErrorCode[]).includes(code));
}

export const exitCodeFor = (code: ErrorCode): 1 | 2 => (ERROR_CODES[code].kind === 'usage' ? 2 : 1);
