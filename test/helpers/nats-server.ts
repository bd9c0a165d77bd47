/**
 * A real `nats-server -js` (Debian's package) for one test: its own port and JetStream folder,
 * stoppable and restartable on the same port and folder (a bus outage). Tests of the scale-out
 * roles skip, with one line saying why, where the server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const natsServerInstalled = spawnSync('nats-server', ['--version']).status === 0;

/** For `describe.skipIf(needsNatsServer('…'))`. */
export function needsNatsServer(what: string): boolean {
  if (!natsServerInstalled)
    console.log(`skipped ${what}: needs Debian's nats-server (apt-get install -y nats-server), not installed here`);
  return !natsServerInstalled;
}

export interface NatsServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM; its JetStream folder stays). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
}

function launch(port: number, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    let listening = port;
    const log: string[] = [];
    lines.on('line', (line) => {
      log.push(line);
      const m = /Listening for client connections on [\d.]+:(\d+)/.exec(line);
      if (m) listening = Number(m[1]);
      if (line.includes('Server is ready')) resolve({ child, port: listening });
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${log.slice(-3).join(' | ')}`)));
  });
}

/** A server on a free port (`-p -1`) with JetStream in `dir`. */
export async function startNatsServer(dir: string): Promise<NatsServer> {
  let { child, port } = await launch(-1, dir);
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
    async start() {
      ({ child } = await launch(port, dir));
    },
  };
  return server;
}
