/**
 * The scale-out roles end to end, on loopback, each test with its own nats-server -js: two
 * collectors (Binance; Bybit + OKX) against the real simulator publish to JetStream and keep their
 * local copies; a store (a child process, killed -9 and restarted) records the bus; relay nodes
 * (child processes) serve browsers. The store's recording must equal the union of the collectors'
 * copies, every event once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { busDefaults, defaultConfig } from '../../collector/config.ts';
import { startStoreRole, type StoreRole } from '../../collector/bus/store-role.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { fileRecording, openRecordingsDir } from '../../replay/adapters/recordings-dir.ts';
import { recordingEvents, type Recording } from '../../replay/player/parts.ts';
import { RelayConnection, type RelayStatus } from '../../src/islands/live/relay-connection.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { needsNatsServer, startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { spawnRole, type RoleProcess } from '../helpers/role-process.ts';
import { startTcpBalancer } from '../helpers/tcp-balancer.ts';
import { tempDir } from '../helpers/tmp.ts';
import { until } from '../helpers/until.ts';

const ORIGIN = 'http://127.0.0.1:4321';

/** An event without the seq its database gave it, keys sorted: the same event in any recording. */
function canonical(e: RecordedEvent): string {
  const { seq: _seq, ...rest } = e;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** Market events (gaps apart) as a multiset, and the gaps as a list. */
function contents(rec: Recording) {
  const events = new Map<string, number>();
  const gaps: RecordedEvent[] = [];
  for (const e of recordingEvents(rec)) {
    if (e.kind === 'gap') gaps.push(e);
    else events.set(canonical(e), (events.get(canonical(e)) ?? 0) + 1);
  }
  return { events, gaps, total: [...events.values()].reduce((a, b) => a + b, 0) };
}

function union(...maps: Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of maps) for (const [k, n] of m) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

/** Events in `a` more often than in `b`, counted. */
function excess(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0;
  for (const [k, count] of a) n += Math.max(0, count - (b.get(k) ?? 0));
  return n;
}

function countRecorded(dir: string): number {
  let n = 0;
  for (const e of recordingEvents(openRecordingsDir(dir))) if (e.kind !== 'gap') n++;
  return n;
}

interface Bus {
  dir: string;
  nats: NatsServer;
  collectors: Rig[];
  roles: RoleProcess[];
  stores: StoreRole[];
}

let running: Bus | null = null;

async function startBus(): Promise<Bus> {
  const dir = tempDir('fb-bus-');
  const nats = await startNatsServer(join(dir, 'js'));
  const bus = (source: string) => ({ ...busDefaults(), url: nats.url, source });
  const collectors = [
    await startRig(dir, { name: 'c1', exchanges: ['binance-usdm'], rate: 300, tweak: (c) => (c.bus = bus('c1')) }),
    await startRig(dir, {
      name: 'c2',
      exchanges: ['bybit-linear', 'okx-swap'],
      rate: 300,
      tweak: (c) => (c.bus = bus('c2')),
    }),
  ];
  running = { dir, nats, collectors, roles: [], stores: [] };
  return running;
}

function writeConfig(b: Bus, name: string, settings: Record<string, unknown>): string {
  const path = join(b.dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ bus: { url: b.nats.url }, http: { port: 0 }, ...settings }));
  return path;
}

/** The store's recordings folder, cut into 1-minute segments. */
function storeFolder(b: Bus): { path: string; rec: string } {
  const rec = join(b.dir, 'rec');
  mkdirSync(rec, { recursive: true });
  const path = writeConfig(b, 'store', {
    db: join(rec, 'hot.db'),
    store: { dir: rec, segment: '1m' },
    writer: { flushMs: 20 },
  });
  return { path, rec };
}

/** The store role in this process, into `rec`, with 1-second metric buckets so metrics flow quickly. */
async function startStoreHere(b: Bus, rec: string): Promise<StoreRole> {
  const config = defaultConfig();
  config.db = join(rec, 'hot.db');
  config.store.dir = rec;
  config.http.port = 0;
  config.metrics = { bucketMs: 1000 };
  config.bus = { ...busDefaults(), url: b.nats.url };
  const store = await startStoreRole({ config, logger: silentLogger });
  b.stores.push(store);
  return store;
}

/** Stops the collectors (each publishes its last batches first), waits for the store to hold them all, and reads both sides. */
async function stopCollectorsAndRead(b: Bus, rec: string, stopStore: () => Promise<unknown>) {
  for (const c of b.collectors) await c.stop();
  for (const c of b.collectors) expect(c.service.collector.bus!.outbox.lag()).toBe(0);
  const local = b.collectors.map((c) => contents(fileRecording(c.config.db)));
  const expected = union(...local.map((l) => l.events));
  const total = local.reduce((n, l) => n + l.total, 0);
  await until(() => countRecorded(rec) >= total, `the store to record all ${total} events`);
  await stopStore();
  return { local, expected, stored: contents(openRecordingsDir(rec)), total };
}

afterEach(async () => {
  const b = running;
  running = null;
  if (!b) return;
  await Promise.allSettled(b.roles.map((r) => r.kill()));
  await Promise.allSettled(b.stores.map((s) => s.stop()));
  await Promise.allSettled(b.collectors.map((c) => c.stop()));
  await b.nats.stop();
});

describe.skipIf(needsNatsServer('the scale-out tests'))('scale-out over NATS JetStream', () => {
  it('a store killed -9 mid-stream and restarted records every collector event exactly once', async () => {
    const b = await startBus();
    const { path, rec } = storeFolder(b);
    let store = spawnRole('store', path);
    b.roles.push(store);
    await store.port;
    await until(() => countRecorded(rec) > 500, 'the store to record its first events');
    await store.kill();
    // The collectors go on publishing while the store is dead.
    const c1 = b.collectors[0].service.collector.writer;
    const before = c1.committedRows;
    await until(() => c1.committedRows > before + 300, 'the collectors to record while the store is down');
    store = spawnRole('store', path);
    b.roles.push(store);
    const port = await store.port;
    // The collectors' markets reach the store's /api/markets through the bus too.
    const markets = await until(async () => {
      const rows = (await (await fetch(`http://127.0.0.1:${port}/api/markets`)).json()) as { exchange: string }[];
      return new Set(rows.map((r) => r.exchange)).size === 3 && rows;
    }, "the store's /api/markets to list the three exchanges");
    expect(markets.map((m) => m.exchange).sort()).toEqual(
      b.collectors.flatMap((c) => [...c.service.collector.markets.values()].flat().map((i) => i.exchange)).sort(),
    );

    const { local, expected, stored, total } = await stopCollectorsAndRead(b, rec, () => store.stop());
    expect(total).toBeGreaterThan(1000);
    expect(excess(expected, stored.events)).toBe(0); // nothing lost
    expect(excess(stored.events, expected)).toBe(0); // nothing doubled or foreign
    // The collectors' own gaps travel too; the store adds the restart gap that resets its metrics.
    const storedGaps = stored.gaps.map(canonical);
    for (const g of local.flatMap((l) => l.gaps)) expect(storedGaps).toContain(canonical(g));
    expect(stored.gaps.filter((g) => g.kind === 'gap' && g.cause === 'restart' && g.stream === 'store')).toHaveLength(
      1,
    );
  }, 180_000);

  it('nats-server stopped for 5 s: the collectors record locally, then catch up; nothing is lost', async () => {
    const b = await startBus();
    const { rec } = storeFolder(b);
    const store = await startStoreHere(b, rec);
    await until(() => countRecorded(rec) > 300, 'the store to record its first events');

    await b.nats.stop();
    const collector = b.collectors[1].service.collector;
    const bus = collector.bus!;
    await until(() => !bus.link.connected(), 'the collector to see the bus down');
    const outageStart = Date.now();
    const acked = collector.writer.lastSeq - bus.outbox.lag();
    await until(() => bus.outbox.lag() > 200, 'events recorded locally during the outage');
    expect(collector.writer.lastSeq - bus.outbox.lag()).toBe(acked); // nothing acknowledged meanwhile
    // The outage lasts 5 s of wall time, as the scenario says.
    await new Promise((r) => setTimeout(r, Math.max(0, 5000 - (Date.now() - outageStart))));
    await b.nats.start();
    // Every collector went through the outage: each must have published its backlog (all but the
    // live tail) before it is stopped, or its stop's grace period may end with a backlog left.
    for (const c of b.collectors)
      await until(() => c.service.collector.bus!.outbox.lag() < 50, 'each collector to publish its backlog', 90_000);

    const { expected, stored } = await stopCollectorsAndRead(b, rec, async () => {
      b.stores.splice(0);
      await store.stop();
    });
    expect(excess(expected, stored.events)).toBe(0);
    expect(excess(stored.events, expected)).toBe(0);
  }, 180_000);

  it('a store asked for two subjects by a server that filters one per consumer exits with E_BUS naming bus.subjects', async () => {
    const b = await startBus();
    const { rec } = storeFolder(b);
    const store = spawnRole(
      'store',
      writeConfig(b, 'store-two', {
        db: join(rec, 'hot.db'),
        bus: { url: b.nats.url, subjects: ['fb.bybit-linear.>', 'fb.okx-swap.>'] },
      }),
    );
    b.roles.push(store);
    const code = await store.exited;
    // nats-server 2.9 (Debian's) refuses filter_subjects; a newer server would take it and the store would run.
    expect(code).toBe(1);
    expect(store.text.at(-1)).toMatch(
      /^futuresboard store: bus\.subjects lists 2 subject filters.*one store per subject/,
    );
  }, 60_000);

  it('a relay node killed: its browser client reconnects through the balancer to the other node', async () => {
    const b = await startBus();
    await startStoreHere(b, storeFolder(b).rec);
    const relays = [0, 1].map((i) => spawnRole('relay', writeConfig(b, `relay-${i}`, {})));
    b.roles.push(...relays);
    const ports = await Promise.all(relays.map((r) => r.port));
    const balancer = await startTcpBalancer(ports);
    // The browser's own reconnecting client, on ws with the page's origin.
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    g.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: ORIGIN });
      }
    };
    const statuses: RelayStatus[] = [];
    let trades = 0;
    let metrics = 0;
    const client = new RelayConnection(
      { ws: `ws://127.0.0.1:${balancer.port}/`, http: `http://127.0.0.1:${balancer.port}` },
      { channels: ['trades', 'tickers', 'metrics'] },
      {
        onStatus: (s) => statuses.push(s),
        onItems: (items) => {
          trades += items.trades?.length ?? 0;
          metrics += items.metrics?.length ?? 0;
        },
      },
    );
    try {
      client.start();
      // Events come from the collectors through the bus; metric rows from the store.
      await until(() => trades > 20 && metrics > 0, 'live trades and metrics from the first relay node');
      const first = balancer.routed[0];
      await relays[ports.indexOf(first)].kill();
      const seen = trades;
      await until(() => statuses.at(-1) === 'live' && statuses.includes('reconnecting'), 'the client to reconnect');
      await until(() => trades > seen + 20, 'live trades from the other node');
      // Reconnecting is reported at the close and again as the retry starts; the page never fell back to static.
      expect(balancer.routed).toEqual([first, ports.find((p) => p !== first)]);
      expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
    } finally {
      client.stop();
      g.WebSocket = saved;
      await balancer.close();
    }
  }, 120_000);
});
