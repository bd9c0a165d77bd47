/**
 * Test fixture: a real webhook endpoint on 127.0.0.1 port 0 that records each request and
 * answers with the queued replies (then 200), for the alert sink and `continuity watch --notify`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (to test timeouts and a receiver that hangs). */
  hang?: boolean;
}

export interface ReceivedRequest {
  path: string;
  type: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the posted JSON freely
  body: any;
}

export class Endpoint {
  readonly requests: ReceivedRequest[] = [];
  readonly replies: Reply[] = [];
  private waiters: (() => void)[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(body) });
        for (const w of this.waiters.splice(0)) w();
        const r = this.replies.shift() ?? { status: 200 };
        if (r.hang) return;
        res.writeHead(r.status, r.headers).end(r.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves when a request arrives. */
  request(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once `n` requests have arrived in all. */
  async received(n: number): Promise<void> {
    while (this.requests.length < n) await this.request();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
