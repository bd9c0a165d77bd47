/**
 * Scale-out on NATS JetStream (issue 15), all roles on this one machine, each figure beside its
 * peer from the same run:
 * 1. Through-bus ingest: the ingest benchmark's frames (loopback websocket, 200 Bybit markets)
 *    through a collector publishing to JetStream and a store role recording them, timed from the
 *    collector's start until the store committed the last event, vs the same collector writing
 *    one database. Runs single, bus, bus, single so drift in the machine's load hits both.
 * 2. Relay nodes: one node with 1,000 websocket clients vs two nodes with 1,000 each, events
 *    published into JetStream; latency from publish to client receipt. Runs 1, 2, 2, 1 nodes.
 * 3. Store catch-up: the collector publishes for SCALEOUT_OUTAGE_S (default 60) seconds while the
 *    store is down; then the store starts and drains the backlog until its consumer lag is 0.
 * Each role is a process of its own (collector, frame source, store, relay nodes, websocket clients,
 * nats-server), as on separate machines, but they share this machine's cores.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '../collector/bus/link.ts';
import { busDefaults } from '../collector/config.ts';
import { silentLogger } from '../core/log.ts';
import { natsServerInstalled, startNatsServer, type NatsServer } from '../test/helpers/nats-server.ts';
import { overSockets, type SocketRun } from './ingest-over-sockets.ts';
import { ClientsProcess, drive, MARKETS } from './relay.bench.ts';
import { batchPublisher } from './scale-out-publisher.ts';
import { consumerDrained, watchStoreRows } from './scale-out-progress.ts';
import { processCpuMs, startRole, type RoleProcess } from './scale-out-roles.ts';

export interface ScaleOutBenchOptions {
  /** Frames per ingest run (the ingest benchmark's count). */
  frames?: number;
  /** Clients per relay node. */
  clientsPerNode?: number;
  eventsPerSec?: number;
  /** Seconds measured per relay configuration (half in each of its two segments). */
  relaySeconds?: number;
  /** How long the store is down while the collector publishes. */
  outageSeconds?: number;
  /** The collector's frame rate during the outage. */
  outageFramesPerSec?: number;
}

const INGEST_TARGET = 0.7;
const RELAY_TARGET = 1.2;
/** Longest wait for the store to record a run's events: minutes more than it takes even on a busy machine. */
const STORE_TIMEOUT_MS = 10 * 60_000;

const int = (x: number) => Math.round(x).toLocaleString('en');
const perSec = (rows: number, ms: number) => (rows / ms) * 1000;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

/** Field-wise sums of runs' figures. */
function sumFields<T extends Record<string, number>>(xs: T[]): T {
  const out: Record<string, number> = {};
  for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v;
  return out as T;
}

/** A nats-server with JetStream in a folder of its own under `dir`, and how to count its CPU. */
async function natsIn(dir: string, name: string): Promise<NatsServer & { cpuMs: () => number | null }> {
  const jsDir = join(dir, name);
  mkdirSync(jsDir, { recursive: true });
  const server = await startNatsServer(jsDir);
  return { ...server, stop: () => server.stop(), cpuMs: () => processCpuMs(jsDir) };
}

const storeConfig = (url: string, db: string) => ({ db, bus: { url }, http: { port: 0 } });

interface BusRun {
  run: SocketRun;
  /** From the collector's start until the store committed its last event. */
  storeMs: number;
  storeCpuMs: number;
  natsCpuMs: number | null;
}

interface IngestResult {
  lines: string[];
  /** Events/s the store recorded live through the bus (for the catch-up comparison). */
  liveRate: number;
}

export async function ingestThroughBus(dir: string, frames: number): Promise<IngestResult> {
  const nats = await natsIn(dir, 'js-ingest');
  const storeDb = join(dir, 'ingest-store.db');
  let store: RoleProcess | null = null;
  let rows: ReturnType<typeof watchStoreRows> | null = null;
  try {
    store = await startRole('store', storeConfig(nats.url, storeDb));
    rows = watchStoreRows(storeDb);
    const startTs = Date.now();
    const single: SocketRun[] = [];
    const bus: BusRun[] = [];
    let recorded = 0;
    for (const mode of ['single', 'bus', 'bus', 'single'] as const) {
      if (mode === 'single') {
        single.push(await overSockets(frames, startTs, dir));
        continue;
      }
      const natsCpu = nats.cpuMs();
      const storeCpu = await store.cpuMs();
      const run = await overSockets(frames, startTs, dir, { busUrl: nats.url });
      // Every committed row (events and gaps alike) is published; the store records each once.
      recorded += run.rows;
      const doneAt = await rows.reached(recorded, STORE_TIMEOUT_MS);
      const natsAfter = nats.cpuMs();
      bus.push({
        run,
        storeMs: doneAt - run.startedAt,
        storeCpuMs: (await store.cpuMs()) - storeCpu,
        natsCpuMs: natsCpu !== null && natsAfter !== null ? natsAfter - natsCpu : null,
      });
    }
    const s = sumFields(single.map((r) => ({ rows: r.rows, ms: r.ms, cpuMs: r.cpuMs })));
    const b = sumFields(
      bus.map((x) => ({
        rows: x.run.rows,
        ms: x.run.ms,
        publishedMs: x.run.publishedMs,
        cpuMs: x.run.cpuMs,
        storeMs: x.storeMs,
        storeCpuMs: x.storeCpuMs,
        natsCpuMs: x.natsCpuMs ?? Number.NaN,
      })),
    );
    const singleRate = perSec(s.rows, s.ms);
    const busRate = perSec(b.rows, b.storeMs);
    const ratio = busRate / singleRate;
    const publishRate = perSec(b.rows, b.publishedMs);
    const busCommitRate = perSec(b.rows, b.ms);
    const singleUs = (s.cpuMs * 1000) / s.rows;
    const collectorUs = (b.cpuMs * 1000) / b.rows;
    const storeUs = (b.storeCpuMs * 1000) / b.rows;
    const natsUs = Number.isNaN(b.natsCpuMs) ? null : (b.natsCpuMs * 1000) / b.rows;
    const busUs = collectorUs + storeUs + (natsUs ?? 0);
    const core = (us: number) => `${int(1e6 / us)}`;
    const lines = [
      `Ingest through the bus, the ingest benchmark's ${int(frames)} synthetic Bybit frames over 200 markets per run ` +
        `(${int(s.rows / single.length)} events), 2 runs per path in the order single, bus, bus, single:`,
      '',
      `| path | events/s | ratio to single-process (target ≥ ${INGEST_TARGET}) |`,
      '|---|---|---|',
      `| single-process: loopback websocket → collector → one database | ${int(singleRate)} | 1.00 |`,
      `| through the bus: collector → JetStream → store role → its database, from the collector's start until the store committed the last event | ${int(busRate)} | ${ratio.toFixed(2)}: ${verdict(ratio >= INGEST_TARGET)} |`,
      '',
      'Per role in the through-bus runs (each role a process of its own; CPU time over the run divided by the events):',
      '',
      '| role | events/s in this run | CPU µs per event | events/s per busy core |',
      '|---|---|---|---|',
      `| collector, single-process (for comparison) | ${int(singleRate)} committed | ${singleUs.toFixed(1)} | ${core(singleUs)} |`,
      `| collector publishing to the bus | ${int(busCommitRate)} committed, ${int(publishRate)} acknowledged by JetStream | ${collectorUs.toFixed(1)} | ${core(collectorUs)} |`,
      `| nats-server (JetStream, file storage) | | ${natsUs === null ? 'not measured' : natsUs.toFixed(1)} | ${natsUs === null ? '' : core(natsUs)} |`,
      `| store role (decode, record, metrics, ack) | ${int(busRate)} recorded (paced by the collector; its own rate: catch-up below) | ${storeUs.toFixed(1)} | ${core(storeUs)} |`,
      `| all roles through the bus | | ${busUs.toFixed(1)} (${(busUs / singleUs).toFixed(1)}× single-process) | |`,
      '',
      `What these CPU costs allow: with a core for each role (separate machines), the slowest role caps the through-bus rate at ${int(1e6 / Math.max(collectorUs, storeUs))} events/s, ` +
        `${(singleUs / Math.max(collectorUs, storeUs)).toFixed(2)}× the single-process collector's ${int(1e6 / singleUs)} per core; all on this machine's ${cpus().length} cores, ` +
        `their sum caps it near ${int((cpus().length * 1e6) / busUs)} events/s (the frame source's CPU not counted). ` +
        "Beyond the single-process path's parse and insert, the store decodes and checks each bus message's JSON, tracks each event's message until its " +
        "transaction commits (to acknowledge it), computes metrics and keeps its own relay's latest state; the collector serializes and publishes each batch.",
    ];
    return { lines, liveRate: busRate };
  } finally {
    rows?.close();
    await store?.stop();
    await nats.stop();
  }
}

interface CpuSpan {
  wallMs: number;
  relaysMs: number;
  clientsMs: number;
  /** nats-server and this process (the publisher). */
  othersMs: number;
}

interface CpuNow {
  at: number;
  relays: number;
  clients: number;
  others: number;
}

async function cpuNow(relays: RoleProcess[], nats: { cpuMs: () => number | null }): Promise<CpuNow> {
  const mine = process.cpuUsage();
  return {
    at: performance.now(),
    relays: sum(await Promise.all(relays.map((r) => r.cpuMs()))),
    clients: processCpuMs('relay-bench-clients.ts') ?? Number.NaN,
    others: (nats.cpuMs() ?? Number.NaN) + (mine.user + mine.system) / 1000,
  };
}

function addSpan(span: CpuSpan, a: CpuNow, b: CpuNow): void {
  span.wallMs += b.at - a.at;
  span.relaysMs += b.relays - a.relays;
  span.clientsMs += b.clients - a.clients;
  span.othersMs += b.others - a.others;
}

export async function relayNodes(
  dir: string,
  perNode: number,
  eventsPerSec: number,
  seconds: number,
): Promise<{ lines: string[] }> {
  const nats = await natsIn(dir, 'js-relay');
  // Streams are created by whichever role connects first: here the benchmark's publisher.
  const link = connectBus({ ...busDefaults(), url: nats.url }, silentLogger, 'bench publisher');
  const clients = [new ClientsProcess(), new ClientsProcess()];
  // CPU time (ms) over the publishing spans of each configuration, and those spans' wall time.
  const cpu = (): CpuSpan => ({ wallMs: 0, relaysMs: 0, clientsMs: 0, othersMs: 0 });
  const spans: Record<string, CpuSpan> = { '1': cpu(), '2': cpu() };
  let refused = 0;
  let segment = 0;
  try {
    const { js } = await link.ready;
    for (const nodes of [1, 2, 2, 1]) {
      const label = String(nodes);
      // Nodes start each segment afresh, reading only the last second back (not earlier segments).
      const relays = await Promise.all(
        Array.from({ length: nodes }, () =>
          startRole('relay', { bus: { url: nats.url, relayWarmup: 1000 }, http: { port: 0 } }),
        ),
      );
      try {
        const used = clients.slice(0, nodes);
        // One client process per node, as the browsers behind a load balancer are not one machine.
        await Promise.all(
          used.map((c, i) =>
            c.ask({
              cmd: 'connect',
              url: `ws://127.0.0.1:${relays[i].port}/`,
              clients: perNode,
              markets: MARKETS,
              subscribe: true,
            }),
          ),
        );
        const publisher = batchPublisher(js, `bench-relay-${++segment}`);
        const before = await cpuNow(relays, nats);
        await drive(
          (batch) => publisher.publish(batch),
          { tell: (cmd) => used.forEach((c) => c.tell(cmd)) },
          label,
          perNode * nodes,
          eventsPerSec,
          seconds / 2,
        );
        addSpan(spans[label], before, await cpuNow(relays, nats));
        refused += await publisher.settle();
        await Promise.all(used.map((c) => c.ask({ cmd: 'disconnect' })));
      } finally {
        await Promise.all(relays.map((r) => r.stop()));
      }
    }
    const latencies = async (label: string, from: ClientsProcess[]) => {
      const all: number[] = [];
      for (const c of from) {
        const r = await c.ask({ cmd: 'samples', label });
        if (r.reply === 'samples') all.push(...r.latencies);
      }
      all.sort((a, b) => a - b);
      const at = (q: number) => all[Math.min(all.length - 1, Math.floor(all.length * q))] ?? Number.NaN;
      return { p50: at(0.5), p99: at(0.99), max: all.at(-1) ?? Number.NaN, n: all.length };
    };
    const one = await latencies('1', clients.slice(0, 1));
    const two = await latencies('2', clients);
    const ratio = two.p99 / one.p99;
    const perNodeCores = (label: string, nodes: number) =>
      (spans[label].relaysMs / nodes / spans[label].wallMs).toFixed(2);
    const cores = (label: string) => {
      const s = spans[label];
      return ((s.relaysMs + s.clientsMs + s.othersMs) / s.wallMs).toFixed(2);
    };
    const row = (name: string, l: typeof one, label: string, nodes: number) =>
      `| ${name} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.max.toFixed(1)} | ${int(l.n)} | ${perNodeCores(label, nodes)} | ${cores(label)} of ${cpus().length} |`;
    return {
      lines: [
        `Relay nodes (startRelayNode, each a process of its own, with its clients in a process of their own): ${int(perNode)} websocket clients per node, ` +
          `each following trades and tickers of one of ${MARKETS.length} markets; ${int(eventsPerSec)} events/s published into JetStream in 50 ms batches ` +
          `(one message per subject: trades and book tickers), ${seconds} s measured per configuration in the order 1, 2, 2, 1 nodes (1 s warm-up each). ` +
          'Latency: from publish (the time the benchmark writes into each event) to receipt by the client.',
        '',
        '| configuration | p50 ms | p99 ms | max ms | updates received | cores busy per relay node | cores busy in all (nodes, clients, nats-server, publisher) |',
        '|---|---|---|---|---|---|---|',
        row(`1 node, ${int(perNode)} clients`, one, '1', 1),
        row(`2 nodes, ${int(2 * perNode)} clients`, two, '2', 2),
        '',
        `p99(2 nodes, ${int(2 * perNode)} clients) / p99(1 node, ${int(perNode)} clients) = ${ratio.toFixed(2)} (target ≤ ${RELAY_TARGET}): ${verdict(ratio <= RELAY_TARGET)}.` +
          (refused ? ` JetStream refused ${refused} publishes.` : '') +
          ` Each node was about as busy with ${int(perNode)} clients in both configurations (${perNodeCores('1', 1)} and ${perNodeCores('2', 2)} cores), ` +
          `but with two nodes and two client processes the machine had ${cores('2')} of its ${cpus().length} cores busy (${cores('1')} with one): ` +
          'the nodes and their clients share the cores here, where separate machines would not.',
      ],
    };
  } finally {
    for (const c of clients) c.stop();
    await link.close();
    await nats.stop();
  }
}

export async function storeCatchUp(
  dir: string,
  outageSeconds: number,
  framesPerSec: number,
  liveRate: number,
): Promise<{ lines: string[] }> {
  const nats = await natsIn(dir, 'js-catch-up');
  const storeDb = join(dir, 'catch-up-store.db');
  const cfg = storeConfig(nats.url, storeDb);
  const bus = { ...busDefaults(), url: nats.url };
  const link = connectBus(bus, silentLogger, 'bench lag');
  let store: RoleProcess | null = null;
  let rows: ReturnType<typeof watchStoreRows> | null = null;
  try {
    // The store runs, then goes down for the outage.
    await (await startRole('store', cfg)).stop();
    const published = await overSockets(framesPerSec * outageSeconds, Date.now(), dir, {
      rate: framesPerSec,
      busUrl: nats.url,
    });
    const { jsm } = await link.ready;
    store = await startRole('store', cfg);
    const startedAt = Date.now();
    rows = watchStoreRows(storeDb);
    const cpu0 = await store.cpuMs();
    const [drainedAt, recordedAt] = await Promise.all([
      consumerDrained(jsm, bus.stream.name, bus.consumer, STORE_TIMEOUT_MS),
      rows.reached(published.rows, STORE_TIMEOUT_MS),
    ]);
    const cpuMs = (await store.cpuMs()) - cpu0;
    const drainMs = Math.max(drainedAt, recordedAt) - startedAt;
    const drainRate = perSec(published.rows, drainMs);
    const arrivalRate = perSec(published.rows, published.publishedMs);
    return {
      lines: [
        `Store catch-up: the store is down while the collector records and publishes the ingest frames at ${int(framesPerSec)} frames/s for ${outageSeconds} s ` +
          `(${int(published.rows)} events, ${int(arrivalRate)} events/s acknowledged by JetStream); then the store starts and drains the backlog, timed from its start until ` +
          'its consumer has nothing pending or unacknowledged and its database holds every event (the collector has stopped: the store has the machine).',
        '',
        '| measure | events/s | ratio |',
        '|---|---|---|',
        `| store draining the backlog (${(drainMs / 1000).toFixed(1)} s; store CPU ${((cpuMs * 1000) / published.rows).toFixed(1)} µs per event, ${(cpuMs / drainMs).toFixed(2)} cores busy) | ${int(drainRate)} | ${(drainRate / liveRate).toFixed(2)}× the live through-bus rate above; ${(drainRate / arrivalRate).toFixed(2)}× the rate the backlog built up |`,
        `| live through-bus ingest (above) | ${int(liveRate)} | 1.00 |`,
        '',
        drainRate > arrivalRate
          ? `At this feed rate a store that was down for T catches up in about T × ${(arrivalRate / (drainRate - arrivalRate)).toFixed(2)} while the collector keeps publishing (if it drains as fast with the collector running).`
          : 'The store drained slower than the backlog built up: it would not catch up while the collector keeps publishing at this rate.',
      ],
    };
  } finally {
    rows?.close();
    await store?.stop();
    await link.close();
    await nats.stop();
  }
}

export async function runScaleOutBench(opts: ScaleOutBenchOptions = {}): Promise<{ lines: string[] }> {
  if (!natsServerInstalled)
    return { lines: ["Not run: needs Debian's nats-server (apt-get install -y nats-server), not installed here."] };
  const outageSeconds = opts.outageSeconds ?? Number(process.env.SCALEOUT_OUTAGE_S ?? 60);
  const dir = mkdtempSync(join(tmpdir(), 'fb-scale-out-'));
  try {
    // Other work on the machine shows in every figure: its load at the start is printed (later
    // readings would count this benchmark's own processes).
    const load = loadavg()[0].toFixed(1);
    const ingest = await ingestThroughBus(dir, opts.frames ?? 150_000);
    const relay = await relayNodes(dir, opts.clientsPerNode ?? 1000, opts.eventsPerSec ?? 5000, opts.relaySeconds ?? 5);
    const catchUp = await storeCatchUp(dir, outageSeconds, opts.outageFramesPerSec ?? 10_000, ingest.liveRate);
    return {
      lines: [
        `Command: \`npx tsx bench/scale-out.bench.ts\` (also part of \`npm run bench\`; \`SCALEOUT_OUTAGE_S=10\` for a shorter outage). ` +
          `Debian's nats-server with JetStream on file storage; every role, the frame source and the clients on this one ${cpus().length}-core machine ` +
          `(1-minute load average at the start: ${load}).`,
        '',
        ...ingest.lines,
        '',
        ...relay.lines,
        '',
        ...catchUp.lines,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { lines } = await runScaleOutBench();
  process.stdout.write(`${lines.join('\n')}\n`);
}
