import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runContinuity } from '../cli/continuity.ts';
import { Endpoint } from '../collector/alerts/test-endpoint.ts';
import {
  closedPort,
  git,
  healthServer,
  makeProject,
  removeDir,
  run,
  type Project,
  type RunResult,
} from './test-support.ts';

let p: Project;
beforeEach(() => {
  p = makeProject();
});
afterEach(() => removeDir(p.base));

const transitions = () =>
  readFileSync(join(p.work, 'data/continuity_watch.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('continuity watch', () => {
  it('logs each change of collector state (not each poll) and runs sync on its own schedule', async () => {
    const stop = new AbortController();
    // ok, ok, degraded, degraded, then stop.
    const server = await healthServer((n) => {
      if (n >= 4) stop.abort();
      return n <= 2 ? { status: 'ok', reasons: [] } : { status: 'degraded', reasons: ['writer lagging'] };
    });
    try {
      const r = await run(['watch', '--repo', p.work, '--every', '20ms', '--sync-every', '10ms'], {
        env: { FUTURESBOARD_PORT: String(server.port) },
        signal: stop.signal,
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(transitions()).toEqual([
        { time: expect.any(String), from: null, to: 'ok', reasons: [] },
        { time: expect.any(String), from: 'ok', to: 'degraded', reasons: ['writer lagging'] },
      ]);
      expect(r.out).toContain('watch: stopped');
      // Each poll after the sync interval ran a sync: reports were committed and pushed.
      expect(r.out).toContain('sync: done');
      expect(git(p.remote, 'log', '-1', '--format=%s', 'main')).toMatch(/^continuity: status/);
    } finally {
      await server.close();
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const server = await healthServer(() => ({ status: 'ok', reasons: [] }));
    const cli = fileURLToPath(new URL('../cli/continuity.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { runContinuity } = await import(${JSON.stringify(cli)}); process.exitCode = await runContinuity(process.argv.slice(1));`,
        'watch',
        '--repo',
        p.work,
        '--every',
        '1h',
      ],
      { env: { ...process.env, FUTURESBOARD_PORT: String(server.port) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      // The first transition means the watcher is up and sleeping for an hour.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('start -> ok')) resolve();
        });
        child.once('exit', () => reject(new Error(`watch exited early: ${out}${err}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('watch: stopped');
    } finally {
      child.kill('SIGKILL');
      await server.close();
    }
  });

  it('rejects a bad --every naming the flag', async () => {
    const r = await run(['watch', '--repo', p.work, '--every', 'soon'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toContain('--every must be a duration such as 30s, 5m or 1h');
  });
});

describe('continuity watch --notify', () => {
  let ep: Endpoint;
  beforeEach(async () => {
    ep = await new Endpoint().start();
  });
  afterEach(() => ep.close());

  const configure = (webhooks: unknown[]) =>
    writeFileSync(join(p.work, 'futuresboard.config.json'), JSON.stringify({ webhooks }));
  /** ok, then degraded, then down from the third poll on. */
  const worsening = (n: number) =>
    n === 1
      ? { status: 'ok', reasons: [] }
      : n === 2
        ? { status: 'degraded', reasons: ['writer lagging'] }
        : { status: 'down', reasons: ['no feed connected'] };
  /** Fails at once (with the output) when the watch ended instead of reaching `event`. */
  const before = (event: Promise<void>, running: Promise<RunResult>) =>
    Promise.race([
      event,
      running.then((r) => {
        throw new Error(`watch ended early: ${r.out}\n${r.err}`);
      }),
    ]);

  it('posts each transition to every webhook that takes health events, in its shape; a healthy start is not posted', async () => {
    configure([
      { url: `${ep.url}/generic`, format: 'json', name: 'ops' },
      { url: `${ep.url}/slack`, format: 'slack', name: 'team' },
      { url: `${ep.url}/discord`, format: 'discord', name: 'desk', events: ['alerts'] },
    ]);
    const server = await healthServer(worsening);
    const stop = new AbortController();
    try {
      const running = run(['watch', '--repo', p.work, '--every', '20ms', '--notify'], {
        env: { FUTURESBOARD_PORT: String(server.port) },
        signal: stop.signal,
      });
      await before(ep.received(4), running); // two transitions, two targets
      stop.abort();
      const r = await running;
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('and to webhooks ops, team');
      const by = (path: string) => ep.requests.filter((q) => q.path === path).map((q) => q.body);
      // The generic body carries the watch log's own line.
      const logged = transitions();
      expect(logged.map((t) => `${t.from} ${t.to}`)).toEqual(['null ok', 'ok degraded', 'degraded down']);
      expect(by('/generic')).toEqual(
        logged.slice(1).map((transition) => ({ type: 'futuresboard.health_transition', version: 1, transition })),
      );
      const slack = by('/slack');
      expect(slack.map((b) => b.text)).toEqual([
        'futuresboard health: collector ok → degraded (writer lagging)',
        'futuresboard health: collector degraded → down (no feed connected)',
      ]);
      expect(slack[1].blocks[1].fields).toEqual([
        { type: 'mrkdwn', text: '*from*\ndegraded' },
        { type: 'mrkdwn', text: '*to*\ndown' },
        { type: 'mrkdwn', text: '*reasons*\nno feed connected' },
        { type: 'mrkdwn', text: `*time*\n${logged[2].time}` },
      ]);
      expect(by('/discord')).toEqual([]); // its events leave out health
    } finally {
      await server.close();
    }
  });

  it('says so when started on a broken system; a give-up names the target and no secret of its URL is printed', async () => {
    const token = '123456789:AAH-secret-bot-token_xyz';
    const secrets = [token, token.split(':')[1], 'query-secret-42'];
    configure([
      { url: `${ep.url}/bot${token}/sendMessage?key=query-secret-42`, format: 'telegram', chatId: -1001, name: 'desk' },
    ]);
    // A proxy's 404 page quotes the request line, token and all: not worth retrying.
    ep.replies.push({ status: 404, body: `Cannot POST /bot${token}/sendMessage?key=query-secret-42` });
    const stop = new AbortController();
    const running = run(['watch', '--repo', p.work, '--every', '20ms', '--notify'], {
      env: { FUTURESBOARD_PORT: String(await closedPort()) },
      signal: stop.signal,
    });
    await before(ep.received(1), running);
    stop.abort();
    const r = await running;
    expect(r).toMatchObject({ code: 0, err: '' });
    const [telegram] = ep.requests.map((q) => q.body);
    expect(telegram).toMatchObject({ chat_id: '-1001', disable_web_page_preview: true });
    expect(telegram.text).toMatch(
      /^futuresboard health: collector not running at watch start \(http:\/\/127\.0\.0\.1:\d+\/health: ECONNREFUSED\)\nfrom: watch start\nto: not running\n/,
    );
    // The give-up was printed before the watch said it stopped (close waits for it).
    expect(r.out).toMatch(
      /watch: webhook desk: start -> not_running not delivered: HTTP 404: Cannot POST [^\n]*\nwatch: stopped$/,
    );
    const log = readFileSync(join(p.work, 'data/continuity_watch.log'), 'utf8');
    for (const text of [r.out, r.err, log]) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('keeps logging transitions while a webhook hangs, and gives pending posts only the grace period on stop', async () => {
    configure([{ url: `${ep.url}/hook`, format: 'json', name: 'ops' }]);
    ep.replies.push({ status: 200, hang: true });
    const server = await healthServer(worsening);
    const stop = new AbortController();
    const lines: string[] = [];
    let downLogged!: () => void;
    const logged = new Promise<void>((resolve) => (downLogged = resolve));
    try {
      const done = runContinuity(['watch', '--repo', p.work, '--every', '20ms', '--notify', '--notify-grace', '10ms'], {
        env: { FUTURESBOARD_PORT: String(server.port) },
        signal: stop.signal,
        out: (l) => {
          lines.push(l);
          if (l.includes('degraded -> down')) downLogged();
        },
        err: (l) => lines.push(l),
      });
      await logged;
      await ep.received(1);
      // The post of ok -> degraded is still unanswered (not timed out and retried), yet the next
      // transition was logged; its own post waits behind the first.
      expect(ep.requests).toHaveLength(1);
      stop.abort();
      expect(await done).toBe(0);
      expect(lines.slice(-2)).toEqual([
        'watch: webhook ops: stopped with 2 health notifications undelivered',
        'watch: stopped',
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses --notify when no webhook takes health transitions, and an unknown event by name', async () => {
    configure([{ url: `${ep.url}/hook`, format: 'json', events: ['alerts'] }]);
    const r = await run(['watch', '--repo', p.work, '--notify'], { env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toContain("--notify: no entry in the config's webhooks takes health transitions");
    configure([{ url: `${ep.url}/hook`, format: 'json', events: ['chat'] }]);
    const bad = await run(['watch', '--repo', p.work, '--notify'], { env: {} });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('webhooks[0].events[0]: must be one of "alerts", "health"');
  });
});
