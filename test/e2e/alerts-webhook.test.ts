/**
 * Live alerts leave the collector: an alert computed from simulator data is posted to a
 * webhook (a real HTTP server on port 0), and a target that refuses deliveries makes /health
 * degraded with the reason and shows in /metrics.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let rig: Rig;
let hook: Server;
const received: { body: unknown; path: string }[] = [];
let firstPost: () => void;
const posted = new Promise<void>((resolve) => (firstPost = resolve));

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/refuse') {
        res.writeHead(400).end('no');
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(204).end();
      firstPost();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  rig = await startRig(dir, {
    rate: 1500,
    name: 'alerts',
    tweak: (c) => {
      // Short buckets and warm-up so alerts come within seconds.
      c.metrics = { bucketMs: 250, warmupBuckets: 8, zWindowBuckets: 40, zMinSamples: 8, alerts: { cooldownMs: 1000 } };
      c.webhooks = [
        { url: `http://127.0.0.1:${port}/ok`, format: 'discord' },
        { url: `http://127.0.0.1:${port}/refuse`, format: 'json' },
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
});
