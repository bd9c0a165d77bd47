/**
 * `futuresboard collect` with no exchange reachable: it keeps retrying with clear log lines,
 * serves /health as down with the reason, never crashes, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { EXCHANGES } from '../../core/events.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** A loopback port with nothing listening on it: connections are refused at once. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('collect with no exchange reachable', () => {
  it('retries with backoff, reports down, and exits 0 on SIGTERM', async () => {
    const port = await closedPort();
    const nowhere = `127.0.0.1:${port}`;
    const endpoints = {
      'binance-usdm': {
        ws: { public: `ws://${nowhere}/public`, market: `ws://${nowhere}/market` },
        rest: `http://${nowhere}`,
      },
      'bybit-linear': { ws: { linear: `ws://${nowhere}/v5/public/linear` }, rest: `http://${nowhere}` },
      'okx-swap': { ws: { public: `ws://${nowhere}/ws/v5/public` }, rest: `http://${nowhere}` },
    };
    const config = join(dir, 'offline.json');
    writeFileSync(
      config,
      JSON.stringify({
        db: join(dir, 'offline.db'),
        http: { port: 0 },
        feed: { backoffBaseMs: 100, backoffCapMs: 400 },
        exchanges: Object.fromEntries(EXCHANGES.map((id) => [id, { endpoints: endpoints[id] }])),
      }),
    );
    const child = spawn(process.execPath, ['bin/futuresboard', 'collect', '--config', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const messages: string[] = [];
    let httpPort = 0;
    let connections = Infinity;
    const failed = new Set<string>();
    // Wait until every connection has failed at least once (they start staggered).
    await new Promise<void>((resolve) => {
      createInterface({ input: child.stderr! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg: string; port?: number; conn?: string; connections?: number };
        messages.push(entry.msg);
        if (entry.msg === 'collector started') connections = entry.connections!;
        if (entry.msg === 'relay and HTTP API listening') httpPort = entry.port!;
        if (entry.msg === 'feed disconnected; reconnecting') failed.add(entry.conn!);
        if (httpPort && failed.size >= connections) resolve();
      });
    });
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { status: string; reasons: string[] };
    expect(body.status).toBe('down');
    expect(body.reasons.join(' ')).toMatch(/feed/);
    expect(messages).toContain('instrument list unavailable; using known contract sizes');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
