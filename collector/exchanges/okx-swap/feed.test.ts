import { FbError as OkxOptionError } from '../../../core/errors.ts';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { MarketEvent } from '../../../core/events.ts';
import type { FrameResult } from '../types.ts';
import { adapter, ARGS_PER_REQUEST, INSTRUMENTS_PER_CONNECTION } from './feed.ts';
import { defaultInstruments } from './instruments.ts';
import { RUBIK } from './rest.ts';
import { newParser } from './testing.ts';

const SIM = { ws: { public: 'ws://127.0.0.1:9/ws/v5/public' }, rest: 'http://127.0.0.1:9/' };
const btc = defaultInstruments().filter((i) => i.symbol === 'BTC-USDT-SWAP' || i.symbol === 'BTC-USD-SWAP');

interface SubscribeRequest {
  id: string;
  op: string;
  args: ({ channel: string; instId: string } | { channel: string; instType: string })[];
}

/** `count` instruments with distinct symbols (OKX-style instIds). */
function many(count: number) {
  const base = defaultInstruments()[0];
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    symbol: `C${i}-USDT-SWAP`,
    market: `C${i}/USDT:USDT`,
    base: `C${i}`,
  }));
}

describe('okx-swap plan', () => {
  it('subscribes every channel we record, on the configured endpoint, as OKX expects', () => {
    const plan = adapter.plan(SIM, btc);
    expect(plan.connections).toHaveLength(1);
    const [conn] = plan.connections;
    expect(conn).toMatchObject({
      id: 'okx-swap/public/0',
      stream: 'public',
      url: 'ws://127.0.0.1:9/ws/v5/public',
      heartbeat: { kind: 'text', intervalMs: 20_000, payload: 'ping' },
      staleMs: 25_000,
    });
    // OKX closes a silent connection after 30 s: the ping and the stale timer both come first.
    expect(conn.staleMs).toBeLessThan(30_000);
    expect(conn.maxLifetimeMs).toBeUndefined();
    const requests = conn.subscribe.map((f) => JSON.parse(f) as SubscribeRequest);
    expect(requests).toEqual([
      {
        id: '1',
        op: 'subscribe',
        args: [
          ...['trades', 'books5', 'tickers', 'mark-price', 'funding-rate', 'open-interest'].map((channel) => ({
            channel,
            instId: 'BTC-USDT-SWAP',
          })),
          ...['trades', 'books5', 'tickers', 'mark-price', 'funding-rate', 'open-interest'].map((channel) => ({
            channel,
            instId: 'BTC-USD-SWAP',
          })),
          { channel: 'index-tickers', instId: 'BTC-USDT' },
          { channel: 'index-tickers', instId: 'BTC-USD' },
          { channel: 'liquidation-orders', instType: 'SWAP' },
        ],
      },
    ]);
  });

  it('splits many instruments over connections and batches subscribe requests within OKX limits', () => {
    const instruments = many(100);
    const plan = adapter.plan(SIM, instruments);
    expect(plan.connections).toHaveLength(Math.ceil(100 / INSTRUMENTS_PER_CONNECTION));
    const args = plan.connections.flatMap((c) =>
      c.subscribe.map((f) => JSON.parse(f) as SubscribeRequest).flatMap((r) => r.args),
    );
    // 6 channels + 1 index per instrument, plus liquidations once for all swaps
    expect(args).toHaveLength(100 * 7 + 1);
    expect(args.filter((a) => a.channel === 'liquidation-orders')).toHaveLength(1);
    expect(new Set(args.map((a) => JSON.stringify(a))).size).toBe(args.length);
    for (const c of plan.connections) {
      // 480 subscribe requests per hour per connection: a handful per (re)connect leaves room for 100+ reconnects
      expect(c.subscribe.length).toBeLessThanOrEqual(3);
      for (const frame of c.subscribe) {
        expect(new TextEncoder().encode(frame).length).toBeLessThan(64 * 1024);
        expect((JSON.parse(frame) as SubscribeRequest).args.length).toBeLessThanOrEqual(ARGS_PER_REQUEST);
      }
      expect(new Set(c.subscribe.map((f) => (JSON.parse(f) as SubscribeRequest).id)).size).toBe(c.subscribe.length);
    }
  });

  it('polls the four long/short series per market every 5 minutes, from the configured REST base', () => {
    const { polls } = adapter.plan(SIM, btc);
    expect(polls).toHaveLength(8);
    expect(
      polls.every((p) => p.url.startsWith('http://127.0.0.1:9/api/v5/rubik/stat/') && p.intervalMs === 300_000),
    ).toBe(true);
    expect(polls.filter((p) => p.url.includes('BTC-USD-SWAP')).map((p) => [p.id, p.url])).toEqual([
      [
        'okx-swap/global_accounts/BTC-USD-SWAP',
        `http://127.0.0.1:9${RUBIK.global_accounts}?instId=BTC-USD-SWAP&period=5m&limit=3`,
      ],
      [
        'okx-swap/top_accounts/BTC-USD-SWAP',
        `http://127.0.0.1:9${RUBIK.top_accounts}?instId=BTC-USD-SWAP&period=5m&limit=3`,
      ],
      [
        'okx-swap/top_positions/BTC-USD-SWAP',
        `http://127.0.0.1:9${RUBIK.top_positions}?instId=BTC-USD-SWAP&period=5m&limit=3`,
      ],
      [
        'okx-swap/taker_volume/BTC-USD-SWAP',
        `http://127.0.0.1:9${RUBIK.taker_volume}?instId=BTC-USD-SWAP&period=5m&limit=3&unit=0`,
      ],
    ]);
  });

  it('opens nothing for no instruments', () => {
    expect(adapter.plan(SIM, [])).toEqual({ connections: [], polls: [] });
  });

  it('throws naming the option and the fix', () => {
    expect(() => adapter.plan({ ws: {}, rest: SIM.rest }, btc)).toThrow(OkxOptionError);
    expect(() => adapter.plan({ ws: {}, rest: SIM.rest }, btc)).toThrow(
      /endpoints\.ws\.public is missing; set it to wss:\/\/ws\.okx\.com:8443\/ws\/v5\/public/,
    );
    expect(() => adapter.plan(SIM, [{ ...btc[0], symbol: 'BTC-USDT' }])).toThrow(/BTC-USDT is not a perpetual swap/);
    let error: unknown;
    try {
      adapter.plan(SIM, [{ ...btc[0], symbol: 'BTC-USDT' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_OKX_OPTION', name: 'FbError' });
  });

  it('builds instrument and volume URLs from the configured REST base', () => {
    expect(adapter.instrumentsUrl(SIM)).toBe('http://127.0.0.1:9/api/v5/public/instruments?instType=SWAP');
    expect(adapter.volumesUrl(adapter.defaultEndpoints)).toBe(
      'https://www.okx.com/api/v5/market/tickers?instType=SWAP',
    );
    expect(adapter.defaultEndpoints.ws.public).toBe('wss://ws.okx.com:8443/ws/v5/public');
    expect(adapter.defaultInstruments?.().map((i) => i.symbol)).toContain('ETH-USDT-SWAP');
  });
});

describe('okx-swap plan and parser over a real websocket', () => {
  let server: WebSocketServer | null = null;
  afterEach(async () => {
    for (const c of server?.clients ?? []) c.terminate();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  it('subscribes, is acknowledged per arg, answers ping with pong and parses the pushed data', async () => {
    // A minimal OKX: one ack per subscribed arg, `pong` for `ping`, then a trade on the first instId.
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const text = raw.toString();
        if (text === 'ping') return socket.send('pong');
        const req = JSON.parse(text) as SubscribeRequest;
        for (const arg of req.args)
          socket.send(JSON.stringify({ id: req.id, event: 'subscribe', arg, connId: 'a4d3ae55' }));
        const first = req.args[0] as { instId: string };
        socket.send(
          JSON.stringify({
            arg: { channel: 'trades', instId: first.instId },
            data: [{ instId: first.instId, tradeId: '1', px: '43568.8', sz: '7', side: 'buy', ts: '1646312440645' }],
          }),
        );
      });
    });
    const port = (server.address() as AddressInfo).port;
    const [spec] = adapter.plan(
      { ws: { public: `ws://127.0.0.1:${port}/ws/v5/public` }, rest: 'http://127.0.0.1:9' },
      btc,
    ).connections;
    const expectedAcks = spec.subscribe.reduce((n, f) => n + (JSON.parse(f) as SubscribeRequest).args.length, 0);

    const parser = newParser();
    const results: FrameResult[] = [];
    const events: MarketEvent[] = [];
    const client = new WebSocket(spec.url);
    const done = new Promise<void>((resolve) => {
      client.on('message', (raw) => {
        results.push(parser.parseFrame(raw.toString(), Date.now(), (e) => events.push(e)));
        const acks = results.filter((r) => r.type === 'ack').length;
        if (acks === expectedAcks && results.some((r) => r.type === 'pong') && events.length > 0) resolve();
      });
    });
    await once(client, 'open');
    for (const frame of spec.subscribe) client.send(frame);
    if (spec.heartbeat.kind === 'text') client.send(spec.heartbeat.payload);
    await done;
    client.close();
    expect(events).toMatchObject([
      { kind: 'trade', symbol: 'BTC-USDT-SWAP', price: '43568.8', qty: '0.07', side: 'buy' },
    ]);
  });
});
