/**
 * Live alerts leave the collector: an alert computed from simulator data is posted to a
 * webhook (a real HTTP server on port 0), and a target that refuses deliveries makes /health
 * degraded with the reason and shows in /metrics. The failing targets are Telegram bots (token
 * in the URL path): one refuses with a reply quoting the path, one is unreachable. Their tokens
 * must appear in no log line, no /health reply and no row of the database.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Logger } from '../../core/log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let rig: Rig;
let hook: Server;
const received: { body: unknown; path: string }[] = [];
const REFUSED_TOKEN = '5550001111:AAF-refused-bot-secret';
const UNREACHABLE_TOKEN = '5550002222:AAG-unreachable-bot-secret';
const logged: string[] = [];
const capture = (level: string) => (obj: object, msg?: string) =>
  void logged.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
const logger: Logger = { debug() {}, info: capture('info'), warn: capture('warn'), error: capture('error') };

/** A loopback port with nothing listening on it: connections are refused at once. */
async function closedPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
let firstPost: () => void;
const posted = new Promise<void>((resolve) => (firstPost = resolve));

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url !== '/ok') {
        // As a proxy's error page does: the request line, token and all.
        res.writeHead(400).end(`no route for POST ${req.url}`);
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(204).end();
      firstPost();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  const unreachable = await closedPort();
  rig = await startRig(dir, {
    rate: 1500,
    name: 'alerts',
    logger,
    tweak: (c) => {
      // Short buckets and warm-up so alerts come within seconds.
      c.metrics = { bucketMs: 250, warmupBuckets: 8, zWindowBuckets: 40, zMinSamples: 8, alerts: { cooldownMs: 1000 } };
      c.webhooks = [
        { url: `http://127.0.0.1:${port}/ok`, format: 'discord' },
        {
          url: `http://127.0.0.1:${port}/bot${REFUSED_TOKEN}/sendMessage`,
          format: 'telegram',
          chatId: '-100200300',
          name: 'desk',
        },
        {
          url: `http://127.0.0.1:${unreachable}/bot${UNREACHABLE_TOKEN}/sendMessage`,
          format: 'telegram',
          chatId: '7',
          name: 'pager',
        },
      ];
    },
  });
});
afterAll(async () => {
  await rig?.stop();
  await new Promise((r) => hook.close(r));
});

describe('alert webhooks', () => {
  it('posts live alerts to the webhook in the target format', async () => {
    await posted;
    const { body } = received[0];
    // Discord's shape: a `content` line (and embeds), not the generic JSON.
    expect(body).toHaveProperty('content');
    expect(JSON.stringify(body)).toMatch(/tier/i);
  });

  it('reports a refusing target in /health and /metrics', async () => {
    const base = `http://127.0.0.1:${rig.service.port}`;
    await posted;
    // The round that delivered to /ok also tried /refuse; wait for it (rounds are shared).
    await rig.service.collector.alerts.runDue();
    expect(rig.service.collector.alerts.stats().failed).toBeGreaterThan(0);
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string; reasons: string[] };
    expect(health.status).toBe('degraded');
    expect(health.reasons.join(' ')).toMatch(/webhook deliveries failing/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/futuresboard_alert_deliveries\{status="failing"\} [1-9]/);
    expect(metrics).toMatch(/futuresboard_alerts_total\{tier="\d"\} [1-9]/);
  });

  it('names failing targets by name and never shows their tokens in logs, /health or the database', async () => {
    await posted;
    await rig.service.collector.alerts.runDue(); // the round that posted to /ok tried both bots too
    const health = await (await fetch(`http://127.0.0.1:${rig.service.port}/health`)).text();
    expect(health).toMatch(/webhook deliveries failing: \d+ failed \(webhook (desk|pager): /);
    const failures = logged.filter((l) => l.includes('alert webhook delivery failed'));
    expect(failures.some((l) => l.includes('"target":"desk"') && l.includes('no route for POST'))).toBe(true);
    expect(failures.some((l) => l.includes('"target":"pager"') && l.includes('ECONNREFUSED'))).toBe(true);
    const rows = JSON.stringify(rig.service.collector.db.prepare('SELECT * FROM alert_deliveries').all());
    expect(rows).toContain('no route for POST');
    const files = [rig.config.db, `${rig.config.db}-wal`].map((f) => readFileSync(f).toString('latin1')).join('');
    for (const token of [REFUSED_TOKEN, UNREACHABLE_TOKEN])
      for (const secret of [token, token.split(':')[1]])
        for (const [where, text] of [
          ['log', logged.join('\n')],
          ['/health', health],
          ['alert_deliveries', rows],
          ['database files', files],
        ])
          expect(text.includes(secret), `${where} holds a bot token`).toBe(false);
  });
});
