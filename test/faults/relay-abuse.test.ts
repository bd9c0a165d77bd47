/**
 * Relay abuse against the full daemon while it ingests from the simulator: a slow consumer, a
 * dead peer, an oversized and a flooding client, a bad origin and bad tokens, all at once. Each
 * gets its documented refusal or close code (docs/relay-protocol.md), and a well-behaved client
 * meanwhile receives every committed trade, in order. (Its latency is measured by
 * bench/relay.bench.ts, not asserted here.)
 *
 * collector/relay/relay.test.ts checks each limit alone against a relay fed by hand; this file
 * checks that they hold together under real ingest and do not leak onto other clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../core/relay-protocol.ts';
import { heartbeatRound, MANUAL_HEARTBEAT, TestClient } from '../../collector/relay/test-support.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';
import { scrapeMetrics } from './support.ts';

const dir = tempDir('fb-relayabuse-');
const ORIGIN = 'https://board.example';
const TOKEN = 's3cret-relay-token-0123';
const auth = { origin: ORIGIN, headers: { Authorization: `Bearer ${TOKEN}` } };
let rig: Rig;
let url = '';

beforeAll(async () => {
  rig = await startRig(dir, {
    rate: 10_000,
    name: 'relay',
    tweak: (c) => {
      c.http.origins = [ORIGIN];
      c.http.token = TOKEN;
      c.http.maxBufferedBytes = 256 * 1024;
    },
    // The slow consumer cannot answer pings either (its socket is paused). The test runs the
    // heartbeat rounds itself, after the slow consumer is closed, so that close never races one.
    relayTuning: { ...MANUAL_HEARTBEAT, slowCloseMs: 1000 },
  });
  url = `ws://127.0.0.1:${rig.service.port}/`;
  await rig.next((e) => e.kind === 'trade', 20_000, 'first trade');
});
afterAll(async () => {
  await rig?.stop();
});

/** A client past its greeting (hello, health snapshot), subscribed to `channels` if any. */
async function subscribed(channels: string[], options = {}): Promise<TestClient> {
  const c = await TestClient.connect(url, { ...auth, ...options });
  expect((await c.next()).type).toBe('hello');
  await c.nextOf('snapshot');
  if (channels.length === 0) return c;
  c.send({ op: 'subscribe', channels });
  await c.nextOf('subscribed');
  for (const _ of channels) await c.nextOf('snapshot');
  return c;
}

describe('relay under abuse, against the running daemon', () => {
  it('closes each abuser with its documented code while a good client gets every committed trade', async () => {
    const relay = rig.service.server.relay;
    const good = await subscribed(['trades']);
    // Every trade committed from now on.
    const committed: number[] = [];
    const off = rig.service.collector.writer.onCommit((batch) => {
      for (const e of batch) if (e.kind === 'trade') committed.push(e.seq);
    });

    // Refused before the upgrade.
    expect(await TestClient.refusedStatus(url, { origin: 'https://evil.example', headers: auth.headers })).toBe(403);
    expect(await TestClient.refusedStatus(url, { origin: ORIGIN })).toBe(401);
    expect(await TestClient.refusedStatus(`${url}?token=wrong`)).toBe(401);

    // A slow consumer stops reading; a dead peer stops reading and answering pings.
    const slow = await subscribed(['trades', 'tickers', 'book_tops']);
    slow.pauseReading();
    // (Subscribed to health only, so its buffer stays small and only the heartbeat can catch it.)
    const dead = await subscribed([], { autoPong: false });
    dead.pauseReading();

    const big = await subscribed([]);
    big.send({ op: 'subscribe', channels: ['trades'], markets: ['X'.repeat(70_000)] });
    const flood = await subscribed([]);
    for (let i = 0; i < 100; i++) flood.send({ op: 'ping' });

    expect((await big.closed).code).toBe(CLOSE_CODES.tooBig);
    const flooded = await flood.closed;
    expect(flooded.code).toBe(CLOSE_CODES.policy);
    expect(flooded.reason).toMatch(/^rate limit/);

    // The server drops the slow consumer by its buffer as ingest goes on (polled: a paused
    // client cannot see its close frame, and the counter is what an operator watches).
    const drops = async (reason: string) =>
      (await scrapeMetrics(rig.service.port, TOKEN))('futuresboard_relay_drops_total', { reason });
    // On a loaded machine the kernel's socket buffers (megabytes) take a while to fill first.
    await expect.poll(() => drops('slow_client_closed'), { timeout: 100_000, interval: 100 }).toBe(1);
    slow.resumeReading();
    const slowClosed = await slow.closed;
    expect(slowClosed.code).toBe(CLOSE_CODES.policy);
    expect(slowClosed.reason).toMatch(/^slow consumer/);

    // The good client has every trade committed since it subscribed, in commit order.
    off();
    const lastSeq = committed.at(-1);
    const received: number[] = [];
    while (received.at(-1) !== lastSeq) {
      const msg = await good.next();
      for (const t of msg.channels?.trades ?? []) received.push(t.seq);
    }
    const wanted = new Set(committed);
    expect(received.filter((seq) => wanted.has(seq))).toEqual(committed);

    // Two heartbeat rounds: the first pings, the second terminates who did not answer (the dead
    // peer) and keeps who did (the good client).
    await heartbeatRound(relay, [good]);
    await heartbeatRound(relay, [good]);
    dead.resumeReading();
    expect((await dead.closed).code).toBe(1006);
    expect(relay.clientCount).toBe(1);

    const m = await scrapeMetrics(rig.service.port, TOKEN);
    for (const [reason, n] of Object.entries({
      refused_origin: 1,
      refused_token: 2,
      oversized: 1,
      rate_limit: 1,
      heartbeat: 1,
      slow_client_closed: 1,
    }))
      expect(m('futuresboard_relay_drops_total', { reason }), reason).toBe(n);
    expect(m('futuresboard_relay_clients')).toBe(1);
    good.close();
  }, 120_000);
});
