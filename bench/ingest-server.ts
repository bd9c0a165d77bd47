/**
 * The ingest benchmark's frame source, in its own process so the collector's RSS is measured
 * alone: generates the synthetic frames (same seed and start as the floor run), prints the port,
 * and sends every frame as fast as the socket takes them to the first client.
 */
import { WebSocketServer } from 'ws';
import { ingestFrames } from './ingest-frames.ts';

const [n, start, rate = 0] = process.argv.slice(2).map(Number);
const input = ingestFrames(n, start);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${(wss.address() as { port: number }).port}\n`));
wss.on('connection', (ws) => {
  let i = 0;
  const t0 = performance.now();
  // Chunks with a yield between them, as a real server's event loop would; paced, each chunk
  // brings the count up to what the rate allows by now.
  const pump = () => {
    const due = rate ? Math.floor(((performance.now() - t0) / 1000) * rate) : i + 2000;
    const end = Math.min(due, input.length);
    for (; i < end; i++) ws.send(input[i]);
    if (i < input.length) (rate ? setTimeout : setImmediate)(pump);
  };
  pump();
  ws.on('close', () => wss.close(() => process.exit(0)));
});
