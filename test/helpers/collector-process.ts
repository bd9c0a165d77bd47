/**
 * `futuresboard collect` as a child process (the real bin, as a user runs it), with its
 * durability contract observable: the debug log line "batch committed" carries `lastSeq`, and
 * every seq up to it is on disk when the line is written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface CommitReport {
  lastSeq: number;
  rows: number;
  /** Wall-clock time the parent read the line. */
  at: number;
}

export interface CollectorProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function spawnCollector(configPath: string, onCommit: (c: CommitReport) => void): CollectorProcess {
  const child = spawn(process.execPath, ['bin/futuresboard', 'collect', '--config', configPath], {
    env: { ...process.env, FUTURESBOARD_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!line.includes('"batch committed"')) return;
    const { lastSeq, rows } = JSON.parse(line) as { lastSeq: number; rows: number };
    onCommit({ lastSeq, rows, at: Date.now() });
  });
  return { child, exited };
}

/**
 * Write a config file for `spawnCollector`: any free port, a fast backoff (tests reconnect in
 * milliseconds, not seconds), and `settings` (db, exchanges, writer…) on top. Returns `path`.
 */
export function writeCollectorConfig(path: string, settings: Record<string, unknown>): string {
  writeFileSync(
    path,
    JSON.stringify({ http: { port: 0 }, feed: { backoffBaseMs: 50, backoffCapMs: 500 }, ...settings }),
  );
  return path;
}
