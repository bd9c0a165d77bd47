/**
 * Child process of the relay benchmark: holds the websocket clients, so their CPU is not counted
 * as the relay's. Driven over IPC by bench/relay.bench.ts. Latency is measured from the publish
 * time the parent writes into each event's `ts` (microseconds of the monotonic clock, which both
 * processes share) to the arrival of the message.
 */
import WebSocket from 'ws';

export type ClientCommand =
  | { cmd: 'connect'; url: string; clients: number; markets: string[]; subscribe: boolean }
  /** Record arrivals under `label` (added to what that label already has). */
  | { cmd: 'measure'; label: string }
  | { cmd: 'pause' }
  | { cmd: 'report'; label: string }
  /** Every latency (ms) recorded under `label`, to be merged with other client processes'. */
  | { cmd: 'samples'; label: string }
  | { cmd: 'disconnect' };

export type ClientReply =
  | { reply: 'connected'; clients: number }
  | { reply: 'report'; p50Ms: number; p99Ms: number; maxMs: number; messages: number }
  | { reply: 'samples'; latencies: number[] }
  | { reply: 'disconnected' }
  | { reply: 'failed'; message: string };

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

let sockets: WebSocket[] = [];
const samples = new Map<string, number[]>();
let recording: number[] | null = null;

function onMessage(data: WebSocket.RawData): void {
  if (!recording) return;
  const text = data.toString();
  // Only updates carry event times; the first event's `ts` is the publish time of the batch.
  if (!text.startsWith('{"type":"update"')) return;
  const at = text.indexOf('"ts":');
  if (at < 0) return;
  recording.push((nowUs() - Number.parseInt(text.slice(at + 5, at + 25), 10)) / 1000);
}

function open(url: string, market: string, subscribe: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(subscribe ? url : `${url}?market=${encodeURIComponent(market)}`);
    ws.once('error', reject);
    ws.once('open', () => {
      if (!subscribe) return resolve(ws);
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['trades', 'tickers'], markets: [market] }));
      const waitAck = (data: WebSocket.RawData) => {
        if (!data.toString().startsWith('{"type":"subscribed"')) return;
        ws.off('message', waitAck);
        resolve(ws);
      };
      ws.on('message', waitAck);
    });
    ws.on('message', onMessage);
  });
}

async function connect(c: Extract<ClientCommand, { cmd: 'connect' }>): Promise<void> {
  // In waves, so the listen backlog never overflows.
  for (let i = 0; i < c.clients; i += 100) {
    const wave = [];
    for (let j = i; j < Math.min(c.clients, i + 100); j++)
      wave.push(open(c.url, c.markets[j % c.markets.length], c.subscribe));
    sockets.push(...(await Promise.all(wave)));
  }
}

async function disconnect(): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
  sockets = [];
}

const reply = (r: ClientReply) => process.send!(r);

process.on('message', (m: ClientCommand) => {
  const run = async () => {
    if (m.cmd === 'connect') {
      await connect(m);
      reply({ reply: 'connected', clients: sockets.length });
    } else if (m.cmd === 'measure') {
      if (!samples.has(m.label)) samples.set(m.label, []);
      recording = samples.get(m.label)!;
    } else if (m.cmd === 'pause') {
      recording = null;
    } else if (m.cmd === 'samples') {
      reply({ reply: 'samples', latencies: samples.get(m.label) ?? [] });
    } else if (m.cmd === 'report') {
      const latencies = (samples.get(m.label) ?? []).sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
      reply({
        reply: 'report',
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        maxMs: latencies.at(-1) ?? NaN,
        messages: latencies.length,
      });
    } else {
      await disconnect();
      reply({ reply: 'disconnected' });
    }
  };
  run().catch((err: Error) => reply({ reply: 'failed', message: err.message }));
});
