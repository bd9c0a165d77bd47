/**
 * `continuity.targets`: snapshot, report and watch over several /health endpoints, one per
 * scale-out role. Each role is the daemon's own HTTP server on 127.0.0.1 port 0 (the same /health
 * route, token check and 503 for down), its document computed by assessHealth from the input
 * the test gives it; the repository is a real git checkout in a temp folder.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusHealth, HealthRole } from '../core/health.ts';
import { healthyInput, startTestServer, type TestServer } from '../collector/relay/test-support.ts';
import { loadConfig } from '../collector/config.ts';
import { readState } from './state.ts';
import { closedPort, makeProject, removeDir, run, type Project } from './test-support.ts';

const STORE_TOKEN = 'store-token-0123456789';
const T0 = Date.UTC(2025, 5, 13, 12, 0, 0);

let p: Project;
let servers: TestServer[] = [];
beforeEach(() => {
  p = makeProject({ remote: false });
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  removeDir(p.base);
});

const bus = (over: Partial<BusHealth>): BusHealth => ({
  url: 'nats://10.0.0.5:4222',
  connected: true,
  lastError: null,
  stream: 'FB_EVENTS',
  consumer: null,
  lag: 0,
  lagUnit: 'messages',
  ...over,
});

/** A daemon server answering /health as `role`; store and relay have no feeds of their own. */
async function roleServer(role: HealthRole, busHealth: BusHealth, token: string | null = null): Promise<TestServer> {
  const s = await startTestServer({ http: { token } });
  const base = healthyInput();
  s.health.input = { ...base, role, bus: busHealth, feeds: role === 'collect' ? base.feeds : [] };
  servers.push(s);
  return s;
}

/** collect-a (ok), store-1 (ok, token), relay-1 (down: its bus is unreachable), relay-2 (nothing listens). */
async function deployment() {
  const collect = await roleServer('collect', bus({ lag: 1234, lagUnit: 'events' }));
  const store = await roleServer('store', bus({ consumer: 'store', lag: 3 }), STORE_TOKEN);
  const relay = await roleServer(
    'relay',
    bus({ connected: false, lastError: 'CONNECTION_REFUSED | retrying', lag: 0 }),
  );
  const gone = `http://127.0.0.1:${await closedPort()}/health`;
  const targets = [
    { name: 'collect-a', url: `${collect.httpUrl}/health` },
    { name: 'store-1', url: `${store.httpUrl}/health`, token: STORE_TOKEN },
    { name: 'relay-1', url: `${relay.httpUrl}/health`, token: null },
    { name: 'relay-2', url: gone },
  ];
  writeConfig({ continuity: { targets } });
  return { collect, store, relay, gone };
}

function writeConfig(config: unknown): void {
  writeFileSync(join(p.work, 'futuresboard.config.json'), JSON.stringify(config, null, 2));
}

const stateText = () => readFileSync(join(p.work, 'data/continuity_state.json'), 'utf8');

describe('continuity.targets', () => {
  it('snapshots every role, unreachable ones as not running, and the report has a row for each', async () => {
    const { gone } = await deployment();

    const snap = await run(['snapshot', '--repo', p.work], { env: {}, now: () => T0 });
    expect(snap.err).toBe('');
    expect(snap.code).toBe(0);
    expect(snap.out).toContain('collector ok');
    expect(snap.out).toContain('2 of 4 roles up');

    const s = JSON.parse(stateText()).snapshot;
    expect(s.roles.map((r: { name: string }) => r.name)).toEqual(['collect-a', 'store-1', 'relay-1', 'relay-2']);
    expect(s.roles[0].health).toMatchObject({
      running: true,
      status: 'ok',
      role: 'collect',
      bus: { url: 'nats://10.0.0.5:4222', connected: true, lag: 1234, lagUnit: 'events' },
    });
    expect(s.roles[1].health).toMatchObject({ running: true, status: 'ok', role: 'store', bus: { lag: 3 } });
    expect(s.roles[2].health).toMatchObject({
      running: true,
      status: 'down',
      role: 'relay',
      bus: { connected: false },
      reasons: ['bus nats://10.0.0.5:4222 unreachable (CONNECTION_REFUSED | retrying)'],
    });
    expect(s.roles[3]).toMatchObject({ name: 'relay-2', url: gone, health: { running: false } });
    expect(s.roles[3].health.detail).toMatch(/ECONNREFUSED/);
    // `health` stays the first target's answer; feeds come from the role that has them.
    expect(s.health).toEqual(s.roles[0].health);
    expect(s.feeds.map((f: { exchange: string }) => f.exchange)).toEqual(['binance-usdm', 'bybit-linear']);
    expect(JSON.parse(stateText()).history.at(-1).state).toBe('ok');
    expect(stateText()).not.toContain(STORE_TOKEN);

    const rep = await run(['report', '--repo', p.work], { env: {} });
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);
    const [file] = readdirSync(join(p.work, 'docs/status'));
    const md = readFileSync(join(p.work, 'docs/status', file), 'utf8');
    expect(md).toContain('### Roles\n\n2 of 4 answered and are not down.');
    expect(md).toContain(
      '| Name | Role | Status | Reasons | Bus connected | Bus lag | Uptime | Version |\n| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    expect(md).toContain('| collect-a | collect | ok | none | yes | 1,234 events | 2 min | 0.1.0-test |');
    expect(md).toContain('| store-1 | store | ok | none | yes | 3 messages | 2 min | 0.1.0-test |');
    // A `|` inside a reason is escaped so it cannot split the row.
    expect(md).toContain(
      '| relay-1 | relay | down | bus nats://10.0.0.5:4222 unreachable (CONNECTION_REFUSED \\| retrying) | no | 0 messages | 2 min | 0.1.0-test |',
    );
    expect(md).toMatch(
      /\| relay-2 \| n\/a \| not running \| http:\/\/127\.0\.0\.1:\d+\/health: ECONNREFUSED \| n\/a \| n\/a \| n\/a \| n\/a \|/,
    );
    expect(md).toContain('Role relay-1 (relay) reports **down**: bus nats://10.0.0.5:4222 unreachable');
    expect(md).toContain('Role relay-2 is not running (');
    expect(md).not.toContain(STORE_TOKEN);
    expect(rep.out).not.toContain(STORE_TOKEN);
  });

  it("sends each target only its own token: without it the role's answer is refused", async () => {
    const store = await roleServer('store', bus({ consumer: 'store' }), STORE_TOKEN);
    const collect = await roleServer('collect', bus({ lagUnit: 'events' }));
    writeConfig({
      // The local daemon's token must not travel to the listed targets.
      http: { token: STORE_TOKEN },
      continuity: {
        targets: [
          { name: 'collect-a', url: `${collect.httpUrl}/health` },
          { name: 'store-1', url: `${store.httpUrl}/health` },
        ],
      },
    });
    const r = await run(['snapshot', '--repo', p.work], { env: {} });
    expect(r.code).toBe(0);
    const roles = JSON.parse(stateText()).snapshot.roles;
    expect(roles[0].health.running).toBe(true);
    expect(roles[1].health).toEqual({
      running: false,
      detail: `${store.httpUrl}/health: answer has no status ok/degraded/down`,
    });
  });

  it('keeps one target (the local daemon) without continuity.targets, and no Roles table', async () => {
    const local = await roleServer('collector', bus({}));
    local.health.input = { ...local.health.input, bus: null };
    const env = { FUTURESBOARD_PORT: String(local.server.port) };
    expect((await run(['snapshot', '--repo', p.work], { env })).code).toBe(0);
    const s = JSON.parse(stateText()).snapshot;
    expect(s.roles).toEqual([{ name: 'local', url: `${local.httpUrl}/health`, health: s.health }]);
    expect(s.health).toMatchObject({ running: true, role: 'collector', bus: null });
    expect((await run(['report', '--repo', p.work], { env })).code).toBe(0);
    const [file] = readdirSync(join(p.work, 'docs/status'));
    const md = readFileSync(join(p.work, 'docs/status', file), 'utf8');
    expect(md).not.toContain('Roles');
    expect(md).not.toContain('roles up');
  });

  it('shortens long reasons in the Roles table', async () => {
    const store = await roleServer('store', bus({ connected: false, lastError: 'x'.repeat(300) }));
    const relay = await roleServer('relay', bus({}));
    writeConfig({
      continuity: {
        targets: [
          { name: 'store-1', url: `${store.httpUrl}/health` },
          { name: 'relay-1', url: `${relay.httpUrl}/health` },
        ],
      },
    });
    expect((await run(['snapshot', '--repo', p.work], { env: {} })).code).toBe(0);
    expect((await run(['report', '--repo', p.work], { env: {} })).code).toBe(0);
    const [file] = readdirSync(join(p.work, 'docs/status'));
    const row = readFileSync(join(p.work, 'docs/status', file), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| store-1 |'));
    const reasons = row?.split(' | ')[3];
    expect(reasons).toHaveLength(120);
    expect(reasons).toMatch(/^bus nats:\/\/10\.0\.0\.5:4222 unreachable \(x+…$/);
  });

  it('loads a state file written before roles existed, then records roles on the next snapshot', async () => {
    await deployment();
    expect((await run(['snapshot', '--repo', p.work], { env: {}, now: () => T0 })).code).toBe(0);
    // What an older version wrote: no roles, and a health answer without role and bus.
    const old = JSON.parse(stateText());
    delete old.snapshot.roles;
    delete old.snapshot.health.role;
    delete old.snapshot.health.bus;
    writeFileSync(join(p.work, 'data/continuity_state.json'), JSON.stringify(old));

    const loaded = readState(p.work);
    expect(loaded?.snapshot.roles).toEqual([]);
    expect(loaded?.snapshot.health).toMatchObject({ running: true, status: 'ok', role: null, bus: null });

    const rep = await run(['report', '--repo', p.work], { env: {} });
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);

    const next = await run(['snapshot', '--repo', p.work], { env: {}, now: () => T0 + 60_000 });
    expect(next.err).toBe('');
    expect(next.code).toBe(0);
    const s = JSON.parse(stateText());
    expect(s.snapshot.roles).toHaveLength(4);
    expect(s.snapshot.previousTime).toBe(new Date(T0).toISOString());
    expect(s.history).toHaveLength(2);
  });

  it('watch polls every target and logs transitions under each name', async () => {
    const collect = await roleServer('collect', bus({ lagUnit: 'events' }));
    const store = await roleServer('store', bus({ consumer: 'store' }), STORE_TOKEN);
    const gone = `http://127.0.0.1:${await closedPort()}/health`;
    writeConfig({
      continuity: {
        targets: [
          { name: 'collect-a', url: `${collect.httpUrl}/health` },
          { name: 'store-1', url: `${store.httpUrl}/health`, token: STORE_TOKEN },
          { name: 'relay-2', url: gone },
        ],
      },
    });
    const stop = new AbortController();
    // The store's consumer falls behind after the first poll; stop during the fourth (its answer
    // is dropped: a poll cut short by the stop is not logged). The server reads `input` per request.
    let polls = 0;
    const input = store.health.input;
    Object.defineProperty(store.health, 'input', {
      get() {
        polls++;
        if (polls >= 4) stop.abort();
        return polls === 1 ? input : { ...input, bus: bus({ consumer: 'store', lag: 500_000 }) };
      },
    });
    const r = await run(['watch', '--repo', p.work, '--every', '10ms'], { env: {}, signal: stop.signal });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const log = readFileSync(join(p.work, 'data/continuity_watch.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log).toEqual([
      { time: expect.any(String), target: 'collect-a', from: null, to: 'ok', reasons: [] },
      { time: expect.any(String), target: 'store-1', from: null, to: 'ok', reasons: [] },
      {
        time: expect.any(String),
        target: 'relay-2',
        from: null,
        to: 'not_running',
        reasons: [expect.stringMatching(/ECONNREFUSED/)],
      },
      {
        time: expect.any(String),
        target: 'store-1',
        from: 'ok',
        to: 'degraded',
        reasons: ['bus lag 500000 messages > 100000'],
      },
    ]);
    expect(r.out).toContain('polling 3 targets (collect-a http://127.0.0.1:');
    expect(r.out).toContain('store-1: ok -> degraded (bus lag 500000 messages > 100000)');
    expect(r.out).not.toContain(STORE_TOKEN);
  });
});

describe('continuity.targets config', () => {
  const load = (targets: unknown) => () =>
    loadConfig({ cwd: p.work, env: {}, path: writeAndName({ continuity: { targets } }) });
  const writeAndName = (config: unknown) => {
    writeConfig(config);
    return join(p.work, 'futuresboard.config.json');
  };

  it('names the field and the rule for a bad target', () => {
    expect(load([{ name: 'store 1', url: 'http://10.0.0.2:8787/health' }])).toThrow(
      /continuity\.targets\[0\]\.name: must be 1-40 letters, digits/,
    );
    expect(load([{ name: 'store-1', url: 'ftp://10.0.0.2/health' }])).toThrow(
      /continuity\.targets\[0\]\.url: must be the http:\/\/ or https:\/\/ URL of a \/health endpoint/,
    );
    expect(load([{ name: 'store-1', url: 'http://10.0.0.2:8787/' }])).toThrow(/continuity\.targets\[0\]\.url: /);
    expect(load([{ name: 'store-1', url: 'http://user:secret@10.0.0.2:8787/health' }])).toThrow(
      /continuity\.targets\[0\]\.url: .*without user:password@/,
    );
    expect(load([{ name: 'store-1', url: 'http://10.0.0.2:8787/health', token: 'short' }])).toThrow(
      /continuity\.targets\[0\]\.token: must be that role's http\.token \(16 characters or more\)/,
    );
    expect(load([{ name: 'store-1', url: 'http://10.0.0.2:8787/health', tokn: STORE_TOKEN }])).toThrow(
      /continuity\.targets\[0\]\.tokn: unknown key; did you mean token\?/,
    );
    expect(
      load([
        { name: 'relay', url: 'http://10.0.0.3:8787/health' },
        { name: 'relay', url: 'http://10.0.0.4:8787/health' },
      ]),
    ).toThrow(/continuity\.targets\[1\]\.name: an earlier target has the same name/);
    expect(load({ name: 'relay' })).toThrow(/continuity\.targets: must be a list, got an object/);
    // Error lines never repeat a value: a token or a URL may be a secret.
    expect(load([{ name: 'store-1', url: 'http://10.0.0.2:8787/health', token: 'short-secret' }])).not.toThrow(
      /short-secret/,
    );
  });

  it('exits 2 from the command with the field in the message', async () => {
    writeConfig({ continuity: { targets: [{ name: 'store-1', url: 'nats://10.0.0.2:4222' }] } });
    const r = await run(['snapshot', '--repo', p.work], { env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^continuity snapshot: .*futuresboard\.config\.json: continuity\.targets\[0\]\.url: must be/);
  });

  it('accepts targets with https, a proxy prefix and a null token; defaults to none', () => {
    const c = loadConfig({
      cwd: p.work,
      env: {},
      path: writeAndName({
        continuity: {
          targets: [
            { name: 'collect.tokyo_1', url: 'https://board.example/fb/health', token: null },
            { name: 'store-1', url: 'http://10.0.0.2:8787/health?x=1', token: STORE_TOKEN },
          ],
        },
      }),
    });
    expect(c.continuity.targets).toHaveLength(2);
    expect(loadConfig({ cwd: p.work, env: {}, path: writeAndName({}) }).continuity).toEqual({ targets: [] });
  });
});
