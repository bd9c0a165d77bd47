/** The logger core code is given (a pino logger satisfies it); core never calls console. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, browser replay). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Clock injected into core code: wall clock live, the event's local_ts in replay. */
export type Clock = () => number;
