/**
 * A scale-out role (`futuresboard store` or `relay`) as a child process, as systemd runs it, so a
 * test can kill it with SIGKILL. Its JSON log lines are kept and awaitable; `port` resolves with
 * the port its HTTP server listens on (config http.port 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RoleProcess {
  child: ChildProcess;
  port: Promise<number>;
  lines: Record<string, unknown>[];
  /** Every stderr line as text (log lines and the CLI's one-line error). */
  text: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGINT (a clean stop: the last batch is committed) and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL, as `kill -9`. */
  kill(): Promise<void>;
}

export function spawnRole(command: 'store' | 'relay' | 'collect', configPath: string): RoleProcess {
  const child = spawn(process.execPath, ['bin/futuresboard', command, '--config', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const port = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      text.push(line);
      try {
        const obj = JSON.parse(line) as Record<string, unknown>;
        lines.push(obj);
        if (obj.msg === 'relay and HTTP API listening' && typeof obj.port === 'number') resolve(obj.port);
      } catch {
        // Not a log line (a crash trace): kept in `text` for the rejection below.
      }
    });
    exited.then((code) =>
      reject(new Error(`${command} exited (${code}) before listening: ${text.slice(-5).join('\n')}`)),
    );
  });
  port.catch(() => {});
  return {
    child,
    port,
    lines,
    text,
    exited,
    stop() {
      child.kill('SIGINT');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
