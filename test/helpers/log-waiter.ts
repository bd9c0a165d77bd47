/**
 * A Logger that keeps every line and lets a test await the next line with a given message, so
 * tests wait for what the code reports (a segment closed) instead of sleeping.
 */
import type { Logger } from '../../core/log.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: Record<string, unknown>;
}

interface Waiter {
  msg: string;
  pred: (obj: Record<string, unknown>) => boolean;
  resolve: (obj: Record<string, unknown>) => void;
}

export interface LogWaiter {
  logger: Logger;
  lines: LogLine[];
  /** Resolves with the next line (from now on) with message `msg` whose fields satisfy `pred` and no earlier waiter took. */
  next(msg: string, pred?: (obj: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Runs `fn` on every line as it is logged (synchronously, in the logging code's turn). */
  watch(fn: (line: LogLine) => void): void;
}

export function logWaiter(): LogWaiter {
  const lines: LogLine[] = [];
  const waiters: Waiter[] = [];
  const watchers: ((line: LogLine) => void)[] = [];
  const log =
    (level: LogLine['level']) =>
    (obj: object, msg = '') => {
      const line = { level, msg, obj: obj as Record<string, unknown> };
      lines.push(line);
      for (const w of watchers) w(line);
      // One line answers one waiter, the earliest: two next() calls await two lines.
      const i = waiters.findIndex((w) => w.msg === msg && w.pred(line.obj));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(line.obj);
    };
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    lines,
    next: (msg, pred = () => true) => new Promise((resolve) => waiters.push({ msg, pred, resolve })),
    watch: (fn) => watchers.push(fn),
  };
}
