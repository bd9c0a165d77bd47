/**
 * The ingest benchmark's frame source, in its own process so the collector's RSS is measured
 * alone: generates the synthetic frames (same seed and start as the floor run), prints the port,
 * and sends every frame as fast as the socket takes them to the first client.
 */
import { WebSocketServer } from 'ws';
import { ingestFrames } from './ingest-frames.ts';

const [n, start] = process.argv.slice(2).map(Number);
const input = ingestFrames(n, start);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${(wss.address() as { port: number }).port}\n`));
wss.on('connection', (ws) => {
  let i = 0;
  // Chunks with a yield between them, as a real server's event loop would.
  const pump = () => {
    const end = Math.min(i + 2000, input.length);
    for (; i < end; i++) ws.send(input[i]);
    if (i < input.length) setImmediate(pump);
  };
  pump();
  ws.on('close', () => wss.close(() => process.exit(0)));
});
