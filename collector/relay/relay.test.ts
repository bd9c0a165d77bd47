/** The live relay end to end: a real server on port 0 and real `ws` clients. */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { RecordedEvent } from '../../core/events.ts';
import { defaultConfig } from '../config.ts';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../core/relay-protocol.ts';
import {
  bookTicker,
  heartbeatRound,
  MANUAL_HEARTBEAT,
  serverSockets,
  startTestServer,
  trade,
  TestClient,
  type TestServer,
} from './test-support.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const SOL = 'SOL/USDT:USDT';
const { maxSubscriptions } = defaultConfig().http;

let srv: TestServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

async function connect(s: TestServer, options = {}): Promise<TestClient> {
  const c = await TestClient.connect(s.url, options);
  expect((await c.next()).type).toBe('hello');
  expect(await c.next()).toMatchObject({ type: 'snapshot', channel: 'health' });
  return c;
}

async function dropCount(s: TestServer, reason: string): Promise<number> {
  const metric = await s.telemetry.relayDrops.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('relay protocol', () => {
  it('greets with the protocol version and health, and sends a silent client nothing else', async () => {
    srv = await startTestServer();
    srv.server.relay.publish('health', null, { status: 'ok' });
    const c = await TestClient.connect(srv.url);
    const hello = await c.next();
    expect(hello).toMatchObject({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      subscriptions: { health: '*' },
      limits: { maxSubscriptions },
    });
    expect(hello.channels).toContain('trades');
    const health = await c.next();
    expect(health).toMatchObject({ type: 'snapshot', channel: 'health' });
    expect(health.data.at(-1)).toEqual({ status: 'ok' });

    srv.server.relay.publishEvents([trade(BTC, '65000.1'), bookTicker(BTC, '65000')]);
    srv.server.relay.publish('metrics', BTC, { exchange: 'binance-usdm', z: 1 });
    srv.server.relay.publish('health', null, { status: 'degraded' });
    // The first message after the greeting is the health update: trades, tickers and metrics were not sent.
    expect(await c.next()).toEqual({ type: 'update', channels: { health: [{ status: 'degraded' }] } });
    c.close();
  });

  it('answers subscribe with a snapshot of the latest state, then batched updates in commit order', async () => {
    srv = await startTestServer();
    const relay = srv.server.relay;
    relay.publishEvents([
      bookTicker(BTC, '64990'),
      trade(BTC, '64999.9'),
      bookTicker(BTC, '65000'),
      bookTicker(ETH, '3500'),
      trade(ETH, '3500.5'),
    ]);
    relay.publishEvents([bookTicker(BTC, '65000', 'bybit-linear')]);

    const c = await connect(srv);
    c.send({ op: 'subscribe', channels: ['tickers', 'trades'], markets: [BTC], id: 7 });
    expect(await c.next()).toEqual({ type: 'subscribed', id: 7, added: { tickers: [BTC], trades: [BTC] }, total: 3 });
    const tickers = await c.next();
    expect(tickers).toMatchObject({ type: 'snapshot', channel: 'tickers' });
    // Newest ticker per exchange for BTC only; the replaced 64990 is gone.
    expect(
      tickers.data.map((t: RecordedEvent) => [t.exchange, t.market, (t as { bid_price: string }).bid_price]),
    ).toEqual([
      ['binance-usdm', BTC, '65000'],
      ['bybit-linear', BTC, '65000'],
    ]);
    const trades = await c.next();
    expect(trades).toMatchObject({ type: 'snapshot', channel: 'trades', data: [{ market: BTC, price: '64999.9' }] });

    const batches = [
      [trade(BTC, '65001'), bookTicker(BTC, '65001'), trade(ETH, '3501'), trade(BTC, '65002')],
      [trade(BTC, '65003')],
      [trade(ETH, '3502')],
      [trade(BTC, '65004'), trade(BTC, '65005')],
    ];
    for (const b of batches) relay.publishEvents(b);
    // One message per publish call that had something for this client, nothing from ETH.
    const u1 = await c.next();
    expect(u1.type).toBe('update');
    expect(u1.channels.trades.map((t: { price: string }) => t.price)).toEqual(['65001', '65002']);
    expect(u1.channels.tickers.map((t: { bid_price: string }) => t.bid_price)).toEqual(['65001']);
    expect((await c.next()).channels).toEqual({ trades: [expect.objectContaining({ price: '65003' })] });
    const u3 = await c.next();
    expect(u3.channels.trades.map((t: { price: string }) => t.price)).toEqual(['65004', '65005']);
    const seqs = [u1, u3].flatMap((u) => u.channels.trades.map((t: RecordedEvent) => t.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(c.pending).toBe(0);
    c.close();
  });

  it('accepts "type" and "action" for "op", unsubscribes, pings, and reports bad requests without closing', async () => {
    srv = await startTestServer();
    const c = await connect(srv);
    c.send({ type: 'subscribe', channels: ['trades'] });
    expect(await c.next()).toEqual({ type: 'subscribed', added: { trades: '*' }, total: 2 });
    expect(await c.next()).toMatchObject({ type: 'snapshot', channel: 'trades', data: [] });
    c.send({ action: 'subscribe', channels: ['gaps'], markets: [ETH] });
    expect(await c.next()).toEqual({ type: 'subscribed', added: { gaps: [ETH] }, total: 3 });
    await c.nextOf('snapshot');

    c.send({ op: 'unsubscribe', channels: ['trades'], markets: [BTC], id: 'u1' });
    expect(await c.next()).toMatchObject({ type: 'error', id: 'u1', code: 'E_PARTIAL_UNSUBSCRIBE' });
    c.send({ op: 'subscribe', channels: ['candles'] });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'E_BAD_CHANNELS' });
    c.send({ op: 'dance' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'E_UNKNOWN_OP' });

    c.send({ op: 'unsubscribe', channels: ['trades'] });
    expect(await c.next()).toEqual({ type: 'unsubscribed', removed: { trades: '*' }, total: 2 });
    srv.server.relay.publishEvents([trade(BTC, '1')]);
    c.send({ op: 'ping', id: 3 });
    // The trade is not delivered; the pong is the next message.
    expect(await c.next()).toMatchObject({ type: 'pong', id: 3 });
    c.close();
  });
});

describe('subscriptions', () => {
  it('answers each request with only what it changed, and the total held against the cap', async () => {
    srv = await startTestServer();
    const c = await connect(srv);
    const snapshots = async (n: number) => {
      for (let i = 0; i < n; i++) expect((await c.next()).type).toBe('snapshot');
    };
    c.send({ op: 'subscribe', channels: ['tickers', 'trades'], markets: [BTC, ETH] });
    expect(await c.next()).toEqual({
      type: 'subscribed',
      added: { tickers: [BTC, ETH], trades: [BTC, ETH] },
      total: 5,
    });
    await snapshots(2);
    // Markets already held are not repeated.
    c.send({ op: 'subscribe', channels: ['tickers', 'trades'], markets: [ETH, SOL] });
    expect(await c.next()).toEqual({ type: 'subscribed', added: { tickers: [SOL], trades: [SOL] }, total: 7 });
    await snapshots(2);
    // A whole channel replaces its market list and counts one.
    c.send({ op: 'subscribe', channels: ['tickers'] });
    expect(await c.next()).toEqual({ type: 'subscribed', added: { tickers: '*' }, total: 5 });
    await snapshots(1);
    c.send({ op: 'subscribe', channels: ['tickers'], markets: [BTC] });
    expect(await c.next()).toEqual({ type: 'subscribed', added: {}, total: 5 });
    await snapshots(1);
    c.send({ op: 'unsubscribe', channels: ['trades'], markets: [BTC, 'XRP/USDT:USDT'] });
    expect(await c.next()).toEqual({ type: 'unsubscribed', removed: { trades: [BTC] }, total: 4 });

    // Delivery follows the subscription as changed.
    srv.server.relay.publishEvents([trade(BTC, '1'), trade(ETH, '2'), bookTicker(SOL, '150')]);
    const update = await c.next();
    expect(update.channels.trades.map((t: RecordedEvent) => t.market)).toEqual([ETH]);
    expect(update.channels.tickers.map((t: RecordedEvent) => t.market)).toEqual([SOL]);
    c.close();
  });

  it('closes (1008) a client whose subscribe would pass http.maxSubscriptions, leaving others alone', async () => {
    srv = await startTestServer({ http: { maxSubscriptions: 4 } });
    const c = await connect(srv);
    const other = await connect(srv);
    expect(srv.server.relay.clientCount).toBe(2);
    c.send({ op: 'subscribe', channels: ['trades'], markets: [BTC, ETH, SOL] });
    expect(await c.next()).toMatchObject({ type: 'subscribed', total: 4 });
    c.send({ op: 'subscribe', channels: ['tickers'] });
    const closed = await c.closed;
    expect(closed).toEqual({
      code: CLOSE_CODES.policy,
      reason: 'subscription limit: at most 4 (channel, market) pairs; subscribe whole channels',
    });
    expect(await dropCount(srv, 'subscription_limit')).toBe(1);
    expect(srv.server.relay.clientCount).toBe(1);
    other.close();
  });
});

describe('relay limits', () => {
  it('closes oversized (1009), malformed (1007), binary (1003) and flooding (1008) clients', async () => {
    srv = await startTestServer({
      http: { maxPayloadBytes: 1024 },
      tuning: { messagesPerSecond: 5, messageBurst: 10 },
    });
    const big = await connect(srv);
    big.send({ op: 'subscribe', channels: ['trades'], markets: ['X'.repeat(2000)] });
    expect((await big.closed).code).toBe(CLOSE_CODES.tooBig);

    const bad = await connect(srv);
    bad.send('{"op": "subscribe", ');
    expect(await bad.closed).toEqual({ code: CLOSE_CODES.invalidPayload, reason: 'malformed JSON' });

    const binary = await connect(srv);
    binary.ws.send(Buffer.from([1, 2, 3]));
    expect((await binary.closed).code).toBe(CLOSE_CODES.unsupportedData);

    const flood = await connect(srv);
    for (let i = 0; i < 50; i++) flood.send({ op: 'ping' });
    const closed = await flood.closed;
    expect(closed.code).toBe(CLOSE_CODES.policy);
    expect(closed.reason).toMatch(/rate limit/);
    // The burst was answered before the limit hit.
    let pongs = 0;
    while (flood.pending) if ((await flood.next()).type === 'pong') pongs++;
    expect(pongs).toBe(10);

    expect(await dropCount(srv, 'oversized')).toBe(1);
    expect(await dropCount(srv, 'malformed')).toBe(1);
    expect(await dropCount(srv, 'rate_limit')).toBe(1);
  });

  it('refuses a bad origin and a missing or wrong token, and accepts the good ones', async () => {
    srv = await startTestServer({ http: { origins: ['https://board.example'], token: 's3cret' } });
    expect(
      await TestClient.refusedStatus(srv.url, {
        origin: 'https://evil.example',
        headers: { Authorization: 'Bearer s3cret' },
      }),
    ).toBe(403);
    expect(await TestClient.refusedStatus(srv.url)).toBe(401);
    expect(await TestClient.refusedStatus(srv.url + '?token=wrong')).toBe(401);
    expect(await TestClient.refusedStatus(srv.url.replace(/\/$/, '/elsewhere?token=s3cret'))).toBe(404);

    const browser = await connect(srv, {
      origin: 'https://board.example',
      headers: { Authorization: 'Bearer s3cret' },
    });
    const tool = await connect(srv, { headers: { Authorization: 'Bearer s3cret' } });
    const query = await TestClient.connect(srv.url + '?token=s3cret');
    expect((await query.next()).type).toBe('hello');
    expect(srv.server.relay.clientCount).toBe(3);
    expect(await dropCount(srv, 'refused_origin')).toBe(1);
    expect(await dropCount(srv, 'refused_token')).toBe(2);
    for (const c of [browser, tool, query]) c.close();
  });

  it('terminates a peer that stops answering pings, and only that one', async () => {
    srv = await startTestServer({ tuning: MANUAL_HEARTBEAT });
    const relay = srv.server.relay;
    const dead = await connect(srv, { autoPong: false });
    const live = await connect(srv);
    // Round 1 pings both; only the live client answers. Round 2 finds the dead one silent.
    await heartbeatRound(relay, [live]);
    expect(relay.clientCount).toBe(2);
    await heartbeatRound(relay, [live]);
    expect((await dead.closed).code).toBe(1006);
    expect(relay.clientCount).toBe(1);
    expect(await dropCount(srv, 'heartbeat')).toBe(1);
    live.close();
  });

  it('closes a client that stops reading (1008) while the others keep every trade', async () => {
    srv = await startTestServer({ http: { maxBufferedBytes: 256 * 1024 }, tuning: { slowCloseMs: 500 } });
    const relay = srv.server.relay;
    const slow = await connect(srv);
    const fast = await connect(srv);
    for (const c of [slow, fast]) {
      c.send({ op: 'subscribe', channels: ['trades', 'tickers'] });
      await c.nextOf('snapshot');
      await c.nextOf('snapshot');
    }
    // The slow client's process stops reading its socket: the kernel buffers fill, then ours.
    slow.pauseReading();

    let batches = 0;
    let price = 0;
    for (; relay.clientCount > 1 && batches < 2000; batches++) {
      // Three ticker states per batch: a slow client only needs the last one.
      const events = [0, 1, 2].map((k) => bookTicker(BTC, String(65000 + batches * 3 + k)));
      for (let i = 0; i < 200; i++) events.push(trade(BTC, String(++price), 1_767_225_600_000 + batches));
      relay.publishEvents(events);
      // Let sockets and the fast client run between batches, as between real write batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(relay.clientCount).toBe(1);
    expect(await dropCount(srv, 'slow_client_closed')).toBe(1);

    // The fast client got every trade of every batch, in order, one update per batch.
    let expected = 1;
    for (let i = 0; i < batches; i++) {
      const msg = await fast.next();
      for (const t of msg.channels.trades) expect(Number(t.price)).toBe(expected++);
    }
    expect(expected - 1).toBe(price);

    // When it reads again, the slow client finds its backlog: full updates, then coalesced ones
    // (newest ticker only), then ones without trades, each reporting what it missed; then the close.
    slow.resumeReading();
    // Every message arrives before the close frame.
    const { code, reason } = await slow.closed;
    const backlog: Record<string, any>[] = [];
    while (slow.pending) backlog.push(await slow.next());
    expect(code).toBe(CLOSE_CODES.policy);
    expect(reason).toMatch(/^slow consumer/);

    const reported = (channel: string) => backlog.reduce((n, m) => n + (m.dropped?.[channel] ?? 0), 0);
    expect(reported('trades')).toBeGreaterThan(0);
    expect(reported('trades')).toBe(await dropCount(srv, 'slow_client_dropped'));
    expect(reported('tickers')).toBe(await dropCount(srv, 'coalesced'));
    const coalesced = backlog.filter((m) => m.dropped?.tickers);
    expect(coalesced.length).toBeGreaterThan(0);
    for (const m of coalesced) {
      expect(m.channels.tickers).toHaveLength(1);
      expect((Number(m.channels.tickers[0].bid_price) - 65000) % 3).toBe(2);
    }
    expect(backlog.some((m) => m.dropped?.trades && !m.channels.trades)).toBe(true);
    fast.close();
  });
});

describe('relay memory against a client that stops reading', () => {
  const MiB = 1024 * 1024;

  /** Follows the relay's side of a connection while the test sends `requests` messages on it. */
  function watch(peer: WebSocket, requests: number) {
    const seen = { peakRss: process.memoryUsage.rss(), peakBuffered: 0 };
    let read = 0;
    // Registered after the relay's own listener: each call sees what the relay queued for the message.
    const allRead = new Promise<void>((resolve) =>
      peer.on('message', () => {
        seen.peakRss = Math.max(seen.peakRss, process.memoryUsage.rss());
        seen.peakBuffered = Math.max(seen.peakBuffered, peer.bufferedAmount);
        if (++read === requests) resolve();
      }),
    );
    return { seen, allRead };
  }

  it('caps subscriptions per client: flooding new market names closes the client (1008) and the relay grows < 50 MB', async () => {
    // The attack of issue #11 paced 18 subscribes/s to stay under the rate limit; lifting the limit
    // sends the same requests without waiting, and leaves the subscription cap as the only defence.
    srv = await startTestServer({ tuning: { messagesPerSecond: 100_000, messageBurst: 100_000 } });
    const peers = serverSockets(srv.server.relay);
    const attacker = await connect(srv);
    attacker.send({ op: 'unsubscribe', channels: ['health'] });
    expect(await attacker.next()).toEqual({ type: 'unsubscribed', removed: { health: '*' }, total: 0 });
    attacker.pauseReading();

    const requests = 100;
    const rssBefore = process.memoryUsage.rss();
    const { seen, allRead } = watch(peers[0], requests);
    for (let i = 0; i < requests; i++) {
      // 500 new names of the longest allowed length (64 characters) per request.
      const markets = Array.from({ length: 500 }, (_, j) => `${i}-${j}/`.padEnd(64, 'X'));
      attacker.send({ op: 'subscribe', channels: ['trades'], markets });
    }
    await allRead;
    expect(seen.peakRss - rssBefore).toBeLessThan(50 * MiB);

    attacker.resumeReading();
    const closed = await attacker.closed;
    expect(closed.code).toBe(CLOSE_CODES.policy);
    expect(closed.reason).toMatch(`subscription limit: at most ${maxSubscriptions} `);
    expect(await dropCount(srv, 'subscription_limit')).toBe(1);
    // Requests within the cap were answered with their own 500 markets, not the running list.
    const replies: Record<string, any>[] = [];
    while (attacker.pending) replies.push(await attacker.next());
    const subscribed = replies.filter((m) => m.type === 'subscribed');
    const accepted = Math.floor(maxSubscriptions / 500);
    expect(subscribed.map((m) => [m.added.trades.length, m.total])).toEqual(
      Array.from({ length: accepted }, (_, i) => [500, 500 * (i + 1)]),
    );
  });

  it('counts snapshots and replies toward maxBufferedBytes: re-requesting big snapshots closes the client (1008)', async () => {
    const maxBufferedBytes = 256 * 1024;
    srv = await startTestServer({ http: { maxBufferedBytes } });
    const relay = srv.server.relay;
    // 200 markets × the 50 trades kept per market: a trades snapshot of about 2 MB.
    for (let m = 0; m < 200; m++)
      relay.publishEvents(Array.from({ length: 50 }, (_, i) => trade(`C${m}/USDT:USDT`, String(i + 1))));
    const peers = serverSockets(relay);
    const attacker = await connect(srv);
    // Without health, nothing but its own replies and snapshots can fill its buffer.
    attacker.send({ op: 'unsubscribe', channels: ['health'] });
    await attacker.nextOf('unsubscribed');
    const frames: number[] = [];
    attacker.ws.on('message', (data: Buffer) => frames.push(data.length));
    attacker.send({ op: 'subscribe', channels: ['trades'] });
    expect((await attacker.nextOf('snapshot')).data).toHaveLength(200 * 50);
    const snapshotBytes = frames.at(-1)!;
    attacker.pauseReading();

    // The rest of the default burst of 40 messages: never rate-limited, 37 × 2 MB asked for.
    const requests = 37;
    const { seen, allRead } = watch(peers[0], requests);
    for (let i = 0; i < requests; i++) attacker.send({ op: 'subscribe', channels: ['trades'] });
    await allRead;
    expect(seen.peakBuffered).toBeLessThan(maxBufferedBytes + snapshotBytes);

    attacker.resumeReading();
    const closed = await attacker.closed;
    expect(closed.code).toBe(CLOSE_CODES.policy);
    expect(closed.reason).toMatch(/^slow consumer: send buffer above/);
    expect(await dropCount(srv, 'slow_client_closed')).toBe(1);
  });
});
