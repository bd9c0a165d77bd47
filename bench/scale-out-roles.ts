/** The scale-out benchmark's side of bench/scale-out-role.ts: a store or relay node in a child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { RoleCommand, RoleName, RoleReply } from './scale-out-role.ts';

export interface RoleProcess {
  port: number;
  /** The role process's CPU time so far (ms). */
  cpuMs(): Promise<number>;
  /** Stops the role cleanly (the store commits its last batch) and waits for the process to exit. */
  stop(): Promise<void>;
}

function ask(child: ChildProcess, cmd?: RoleCommand): Promise<RoleReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench role exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (r: RoleReply) => {
      child.off('exit', onExit);
      if (r.reply === 'failed') reject(new Error(`bench role: ${r.message}`));
      else resolve(r);
    });
    if (cmd) child.send(cmd);
  });
}

/** Starts `role` with `config` (what a config file would hold) and resolves once it listens. */
export async function startRole(role: RoleName, config: object): Promise<RoleProcess> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(new URL('./scale-out-role.ts', import.meta.url), [role, JSON.stringify(config)], {
    execArgv: ['--import', tsx],
  });
  const started = await ask(child);
  if (started.reply !== 'started') throw new Error(`bench role: unexpected ${started.reply}`);
  return {
    port: started.port,
    async cpuMs() {
      const r = await ask(child, { cmd: 'cpu' });
      return r.reply === 'cpu' ? r.ms : Number.NaN;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      await ask(child, { cmd: 'stop' });
      await exited;
    },
  };
}

/**
 * CPU time (ms) of the processes whose command line contains `marker` (Linux /proc; null
 * elsewhere): how the benchmark counts nats-server, which the test helper starts.
 */
export function processCpuMs(marker: string): number | null {
  let total = 0;
  let found = false;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
        // After the command name: utime and stime (stat fields 14 and 15), in clock ticks (100/s on Linux).
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        total += (Number(fields[11]) + Number(fields[12])) * 10;
        found = true;
      } catch {
        // The process ended meanwhile.
      }
    }
  } catch {
    return null;
  }
  return found ? total : null;
}
