import { FbError as AlertSinkError } from '../../core/errors.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { openNodeDb, type NodeDb } from '../../replay/adapters/node-sqlite.ts';
import { silentLogger } from '../../core/log.ts';
import type { AlertRecord } from '../../core/metrics/types.ts';
import { writeEngineOutput } from '../../core/metrics/store.ts';
import { migrate } from '../../core/migrations.ts';
import { loadMigrations } from '../store/migrations.ts';
import { createAlertSink, type AlertSinkOptions, type WebhookTarget } from './sink.ts';
import { Endpoint } from './test-endpoint.ts';

const dir = tempDir('fb-alert-sink-');
const T0 = Date.UTC(2025, 5, 13, 8);

function alert(tier: AlertRecord['tier'], bucket: number, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    local_ts: T0 + bucket + 120,
    seq: bucket,
    bucket_ts: T0 + bucket,
    tier,
    rule: tier === 1 ? 'z:cvd' : 'cvd_oi',
    direction: 'up',
    value: 3.1,
    threshold: 2.5,
    price: 65_000.5,
    inputs: { series: 'cvd', z: 3.1 },
    fwd_ret_5m: null,
    fwd_ret_15m: null,
    fwd_ret_60m: null,
    ...over,
  };
}

let n = 0;
function freshDb(): { db: NodeDb; path: string } {
  const path = join(dir, `sink-${++n}.db`);
  const db = openNodeDb(path);
  migrate(db, loadMigrations(), () => T0);
  return { db, path };
}

/** Alerts written as the collector writes them, returning their ids. */
const write = (db: NodeDb, alerts: AlertRecord[]) => writeEngineOutput(db, { metrics: [], alerts, forwardReturns: [] });

describe('alert webhook sink', () => {
  let ep: Endpoint;
  let now: number;
  const clock = () => now;
  const sinkOn = (db: NodeDb, targets: WebhookTarget[], extra: Partial<AlertSinkOptions> = {}) =>
    createAlertSink({ db, targets, fetch, now: clock, logger: silentLogger, random: () => 0, ...extra });

  beforeEach(async () => {
    ep = await new Endpoint().start();
    now = T0;
  });
  afterEach(() => ep.close());

  it('posts the generic JSON document and marks it delivered; the URL is not stored', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [{ url: `${ep.url}/hook?secret=abc`, format: 'json' }]);
    const [id] = write(db, [alert(2, 0)]);
    expect(sink.enqueue([id])).toBe(1);
    expect(sink.stats()).toEqual({ pending: 1, failed: 0, delivered: 0, lastError: null, failing: 0 });
    await sink.runDue();
    expect(ep.requests).toHaveLength(1);
    expect(ep.requests[0]).toMatchObject({ path: '/hook?secret=abc', type: 'application/json' });
    expect(ep.requests[0].body).toMatchObject({
      type: 'futuresboard.alert',
      version: 1,
      alert: {
        id,
        tier: 2,
        market: 'BTC/USDT:USDT',
        direction: 'up',
        price: 65_000.5,
        time: new Date(T0 + 120).toISOString(),
      },
    });
    expect(sink.stats()).toEqual({ pending: 0, failed: 0, delivered: 1, lastError: null, failing: 0 });
    const rows = db.all<Record<string, unknown>>('SELECT * FROM alert_deliveries');
    expect(JSON.stringify(rows)).not.toContain('secret');
    expect(rows[0].target).toMatch(/^json-[0-9a-f]{12}$/);
    db.close();
  });

  it('retries a server error after an exponential backoff, then delivers', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [{ url: ep.url, format: 'json', name: 'ops' }], { baseDelayMs: 1000 });
    ep.replies.push({ status: 500, body: 'oops' }, { status: 502 });
    sink.enqueue(write(db, [alert(1, 0)]));
    await sink.runDue();
    const next = () =>
      db.all<{ next_attempt_ts: number; attempts: number; status: string }>(
        'SELECT next_attempt_ts, attempts, status FROM alert_deliveries',
      )[0];
    expect(next()).toEqual({ next_attempt_ts: T0 + 500, attempts: 1, status: 'pending' }); // 1 s, half of it jitter (0 here)
    expect(sink.stats().lastError).toBe('webhook ops: HTTP 500: oops');
    await sink.runDue(); // not due yet
    expect(ep.requests).toHaveLength(1);
    now = T0 + 500;
    await sink.runDue();
    expect(next()).toEqual({ next_attempt_ts: T0 + 500 + 1000, attempts: 2, status: 'pending' }); // doubled
    now = T0 + 1500;
    await sink.runDue();
    expect(ep.requests).toHaveLength(3);
    expect(next()).toMatchObject({ attempts: 3, status: 'delivered' });
    expect(sink.stats()).toEqual({ pending: 0, failed: 0, delivered: 1, lastError: null, failing: 0 });
    db.close();
  });

  it('honours Retry-After (header or Discord/Telegram body) on 429', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [{ url: ep.url, format: 'discord' }]);
    ep.replies.push(
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 429, body: JSON.stringify({ retry_after: 2.5 }) },
    );
    sink.enqueue(write(db, [alert(1, 0)]));
    const next = () =>
      db.all<{ next_attempt_ts: number }>('SELECT next_attempt_ts FROM alert_deliveries')[0].next_attempt_ts;
    await sink.runDue();
    expect(next()).toBe(T0 + 7000);
    now = T0 + 7000;
    await sink.runDue();
    expect(next()).toBe(T0 + 9500);
    db.close();
  });

  it('gives up at once on a request the endpoint rejects, and after maxAttempts on errors', async () => {
    const { db } = freshDb();
    const bad = sinkOn(db, [{ url: `${ep.url}/gone`, format: 'slack', name: 'slack-team' }], {
      maxAttempts: 2,
      baseDelayMs: 10,
    });
    ep.replies.push({ status: 404, body: 'no_service' });
    bad.enqueue(write(db, [alert(1, 0)]));
    await bad.runDue();
    expect(bad.stats()).toEqual({
      pending: 0,
      failed: 1,
      delivered: 0,
      lastError: 'webhook slack-team: HTTP 404: no_service',
      failing: 1,
    });

    ep.replies.push({ status: 503 }, { status: 503 });
    bad.enqueue(write(db, [alert(1, 10_000)]));
    await bad.runDue();
    now += 1000;
    await bad.runDue();
    expect(bad.stats()).toEqual({
      pending: 0,
      failed: 2,
      delivered: 0,
      lastError: 'webhook slack-team: gave up after 2 attempts: HTTP 503',
      failing: 2,
    });
    // Give-ups older than the health window no longer count as failing.
    expect(bad.stats(Number.MAX_SAFE_INTEGER).failing).toBe(0);
    db.close();
  });

  it('holds back the rest of a failing target’s queue instead of hitting it once per alert', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [{ url: ep.url, format: 'json' }]);
    ep.replies.push({ status: 500 });
    sink.enqueue(write(db, [alert(1, 0), alert(1, 10_000), alert(1, 20_000)]));
    await sink.runDue();
    expect(ep.requests).toHaveLength(1);
    const waits = db
      .all<{ next_attempt_ts: number }>('SELECT next_attempt_ts FROM alert_deliveries ORDER BY id')
      .map((r) => r.next_attempt_ts);
    expect(waits).toEqual([T0 + 500, T0 + 500, T0 + 500]);
    now = T0 + 500;
    await sink.runDue();
    expect(ep.requests).toHaveLength(4);
    expect(sink.stats().delivered).toBe(3);
    db.close();
  });

  it('keeps undelivered alerts across a restart and delivers them afterwards', async () => {
    const { db, path } = freshDb();
    const down = await new Endpoint().start();
    await down.close(); // nothing listens there any more: connection refused
    const target = { url: `${down.url}/hook`, format: 'json' as const, name: 'ops' };
    const first = sinkOn(db, [target]);
    first.enqueue(write(db, [alert(3, 0)]));
    await first.runDue();
    expect(first.stats()).toMatchObject({ pending: 1, failed: 0, failing: 1 });
    expect(first.stats().lastError).toMatch(/ECONNREFUSED/);
    await first.stop();
    db.close();

    const reopened = openNodeDb(path);
    const second = sinkOn(reopened, [{ ...target, url: `${ep.url}/hook` }]); // same target id, endpoint back up
    now = T0 + 60_000;
    await second.runDue();
    expect(ep.requests).toHaveLength(1);
    expect(ep.requests[0].body.alert.tier).toBe(3);
    expect(second.stats()).toEqual({ pending: 0, failed: 0, delivered: 1, lastError: null, failing: 0 });
    reopened.close();
  });

  it('sends the Discord, Slack and Telegram shapes, each target only from its minimum tier', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [
      { url: `${ep.url}/discord`, format: 'discord' },
      { url: `${ep.url}/slack`, format: 'slack', minTier: 3 },
      { url: `${ep.url}/bot123:abc/sendMessage`, format: 'telegram', chatId: '-1001' },
    ]);
    const ids = write(db, [
      alert(1, 0, { direction: 'down' }),
      alert(4, 10_000, { rule: 'funding_oi', inputs: { funding_rate: 0.0002, oi_chg_pct: -1.2 } }),
    ]);
    expect(sink.enqueue(ids)).toBe(5); // slack skips the tier-1 alert
    await sink.runDue();
    const by = (p: string) => ep.requests.filter((r) => r.path.startsWith(p)).map((r) => r.body);
    const [discord] = by('/discord');
    expect(discord.content).toBe('▼ Tier 1 (z-score) BTC/USDT:USDT on binance-usdm: z:cvd down');
    expect(discord.embeds[0]).toMatchObject({ color: 0xdc2626, timestamp: new Date(T0 + 120).toISOString() });
    expect(discord.embeds[0].fields).toContainEqual({ name: 'value', value: '3.1 (threshold 2.5)', inline: true });
    const slack = by('/slack');
    expect(slack).toHaveLength(1);
    expect(slack[0].text).toContain('Tier 4 (funding + open interest)');
    expect(slack[0].blocks[1].fields).toContainEqual({ type: 'mrkdwn', text: '*funding_rate*\n0.0002' });
    const telegram = by('/bot123:abc/sendMessage');
    expect(telegram).toHaveLength(2);
    expect(telegram[1]).toMatchObject({ chat_id: '-1001', disable_web_page_preview: true });
    expect(telegram[1].text).toContain('oi_chg_pct: -1.2');
    db.close();
  });

  it('posts alerts only to targets whose events include them (all targets by default)', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [
      { url: `${ep.url}/default`, format: 'json' },
      { url: `${ep.url}/both`, format: 'json', events: ['health', 'alerts'] },
      { url: `${ep.url}/health-only`, format: 'json', events: ['health'] },
    ]);
    expect(sink.enqueue(write(db, [alert(1, 0)]))).toBe(2);
    await sink.runDue();
    expect(ep.requests.map((r) => r.path).sort()).toEqual(['/both', '/default']);
    expect(() => sinkOn(db, [{ url: ep.url, format: 'json', events: [] }])).toThrow(
      'webhooks[0].events must list one or more of alerts, health',
    );
    db.close();
  });

  it('delivers in the background after start() and kick(), and stops cleanly', async () => {
    const { db } = freshDb();
    const sink = createAlertSink({
      db,
      targets: [{ url: ep.url, format: 'json' }],
      fetch,
      now: Date.now,
      logger: silentLogger,
    });
    sink.start();
    const arrived = ep.request();
    sink.enqueue(write(db, [alert(2, 0)]));
    sink.kick();
    await arrived;
    await sink.runDue(); // joins the round in flight
    expect(sink.stats().delivered).toBe(1);
    await sink.stop();
    db.close();
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const { db } = freshDb();
    const sink = sinkOn(db, [{ url: ep.url, format: 'json', name: 'slow' }], { timeoutMs: 150 });
    ep.replies.push({ status: 200, hang: true });
    sink.enqueue(write(db, [alert(1, 0)]));
    await sink.runDue();
    expect(sink.stats()).toMatchObject({ pending: 1, lastError: 'webhook slow: no answer within 150 ms' });
    db.close();
  });

  it('keeps the secrets of a URL out of the log, the queue and its errors, naming the target instead', async () => {
    const { db, path } = freshDb();
    const token = '123456789:AAH-secret-bot-token_xyz';
    const logged: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (o: object, m?: string) => void logged.push(JSON.stringify(o) + (m ?? '')),
    };
    const sink = sinkOn(
      db,
      [
        {
          url: `${ep.url}/bot${token}/sendMessage?key=query-secret-42`,
          format: 'telegram',
          chatId: '-1001',
          name: 'desk',
        },
      ],
      { logger },
    );
    // A proxy's 404 page quotes the request line, token and all.
    ep.replies.push({
      status: 404,
      body: `Cannot POST /bot${token}/sendMessage?key=query-secret-42 (token ${token.split(':')[1]})`,
    });
    sink.enqueue(write(db, [alert(1, 0)]));
    await sink.runDue();
    const lastError = sink.stats().lastError!;
    expect(lastError).toMatch(/^webhook desk: HTTP 404: Cannot POST/);
    const rows = JSON.stringify(db.all('SELECT * FROM alert_deliveries'));
    expect(logged.join('\n')).toContain('desk');
    for (const text of [lastError, rows, logged.join('\n')])
      for (const secret of [token, token.split(':')[1], 'query-secret-42']) expect(text).not.toContain(secret);
    db.close();
    expect(readFileSync(path).includes(token)).toBe(false);
  });

  it('refuses a URL with user:password@ without quoting it (fetch would put the whole URL in its error)', () => {
    const { db } = freshDb();
    const create = () => sinkOn(db, [{ url: 'http://ops:pa55w0rd-secret@127.0.0.1:9/hook', format: 'json' }]);
    expect(create).toThrow(/webhooks\[0\]\.url must not contain a user name or password/);
    expect(create).not.toThrow(/pa55w0rd/);
    db.close();
  });

  it('refuses a bad target, naming the field', () => {
    const { db } = freshDb();
    const make = (t: Partial<WebhookTarget>) => () =>
      sinkOn(db, [{ url: ep.url, format: 'json', ...t } as WebhookTarget]);
    expect(make({ format: 'teams' as never })).toThrow(
      /webhooks\[0\]\.format must be one of json, discord, slack, telegram/,
    );
    expect(make({ url: 'not a url' })).toThrow(/webhooks\[0\]\.url must be an absolute http\(s\) URL/);
    expect(make({ url: 'ftp://example.com/x' })).toThrow(AlertSinkError);
    expect(make({ format: 'telegram' })).toThrow(/chatId is required/);
    db.close();
  });
});
