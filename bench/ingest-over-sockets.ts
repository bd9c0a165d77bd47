/**
 * One run of the ingest path over loopback sockets: the frame source (bench/ingest-server.ts) and
 * the collector (bench/ingest-collector.ts) each in a process of its own, so the collector's RSS
 * and CPU are its own. Shared by the ingest and scale-out benchmarks.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SocketRun {
  /** Events the collector's parser emitted. */
  events: number;
  /** Rows its writer committed (events and gaps): what a store consuming its bus messages records. */
  rows: number;
  frames: number;
  /** From the connection's start until the last frame's batch committed. */
  ms: number;
  /** From the same start until JetStream acknowledged every committed row (= ms without a bus). */
  publishedMs: number;
  /** The start, on the wall clock (epoch ms). */
  startedAt: number;
  /** The collector process's CPU time (ms) from the start until every row was published. */
  cpuMs: number;
  rssMb: number;
  maxStallMs: number;
  segments: number;
}

export interface SocketRunOptions {
  /** Frames per second from the source; 0: as fast as the socket takes them. */
  rate?: number;
  /** Roll the hot database over into segments this often (ms); 0: one database. */
  periodMs?: number;
  /** Publish every committed batch to this NATS server, as `collect` with `bus` set. */
  busUrl?: string;
}

let runs = 0;

/** `n` synthetic frames from `startTs` through a collector writing under `dir`. */
export async function overSockets(
  n: number,
  startTs: number,
  dir: string,
  opts: SocketRunOptions = {},
): Promise<SocketRun> {
  const { rate = 0, periodMs = 0, busUrl } = opts;
  const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', script('./ingest-server.ts'), String(n), String(startTs), String(rate)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const serverExit = new Promise((r) => server.once('exit', r));
  const port = await new Promise<number>((resolve) =>
    createInterface({ input: server.stdout! }).once('line', (l) => resolve(Number(l))),
  );
  const collector = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      script('./ingest-collector.ts'),
      String(port),
      String(Math.floor(n / 3) * 3),
      join(dir, `sockets-${++runs}`, 'hot.db'),
      String(periodMs),
      ...(busUrl ? [busUrl] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const collectorExit = new Promise((r) => collector.once('exit', r));
  const result = await new Promise<string>((resolve) =>
    createInterface({ input: collector.stdout! }).once('line', resolve),
  );
  await Promise.all([collectorExit, serverExit]);
  return JSON.parse(result);
}
