/**
 * A plain websocket client for the simulator's tests: records every frame and lets a test
 * await the next frame matching a predicate, the close, or a refused upgrade, without sleeps.
 */
import { readFileSync } from 'node:fs';
import WebSocket, { type ClientOptions } from 'ws';
import { sharedLines } from '../test/helpers/shared-data.ts';

/**
 * How long a wait may take before it fails with its description. A failure detector, not a
 * bound the simulator must meet: generous, so a loaded machine is slow rather than failing.
 */
const WAIT_MS = 30_000;

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly frames: string[] = [];
  readonly closed: Promise<Closed>;
  private cursor = 0;
  private waiters: (() => void)[] = [];
  pings = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(String(data));
      this.wake();
    });
    ws.on('ping', () => {
      this.pings++;
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => (this.wake(), resolve({ code, reason: String(reason) }))),
    );
    ws.on('error', () => {});
  }

  static open(url: string, opts: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, opts);
      const c = new TestClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
      );
      ws.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolve when `cond` holds (checked on every frame, ping and close). */
  until(cond: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          clearTimeout(timer);
          reject(new Error(`connection closed while waiting for ${what}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The next unread frame matching `pred` (frames before it are consumed). */
  async next(pred: (text: string) => boolean = () => true, what = 'a frame', timeoutMs = WAIT_MS): Promise<string> {
    let found = -1;
    await this.until(
      () => {
        for (let i = this.cursor; i < this.frames.length; i++)
          if (pred(this.frames[i])) {
            found = i;
            return true;
          }
        return false;
      },
      what,
      timeoutMs,
    );
    this.cursor = found + 1;
    return this.frames[found];
  }

  /** The next unread frame that parses as JSON and matches `pred`. */
  async json<T = Record<string, unknown>>(
    pred: (o: T) => boolean = () => true,
    what = 'a JSON frame',
    timeoutMs = WAIT_MS,
  ): Promise<T> {
    const text = await this.next(
      (t) => {
        try {
          return pred(JSON.parse(t) as T);
        } catch {
          return false;
        }
      },
      what,
      timeoutMs,
    );
    return JSON.parse(text) as T;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  close(): void {
    this.ws.close();
  }
}

/** Expect an upgrade to be refused; resolves with the HTTP status. */
export async function refusedStatus(url: string): Promise<number> {
  try {
    const c = await TestClient.open(url);
    c.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

/**
 * The structure of a JSON value with key order kept, as text: objects by their keys in order,
 * arrays by their first element. Two frames with the same shape have the same keys in the same
 * order at every level, whatever the values.
 */
export function shapeOf(x: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? [walk(v[0])] : [];
    if (typeof v !== 'object' || v === null) return typeof v;
    return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, walk(w)]));
  };
  return JSON.stringify(walk(x));
}

/** One sample file's frames (../shared/samples/<name>.jsonl), parsed. */
export function sample(name: string): Record<string, unknown>[] {
  return sharedLines(`samples/${name}.jsonl`).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** One file of the public real frames in fixtures/public-frames/<name>.jsonl, parsed. */
export function publicFrames(name: string): Record<string, unknown>[] {
  return readFileSync(new URL(`../fixtures/public-frames/${name}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The frames a capture recorded (../shared/captures/<name>), parsed, optionally filtered. */
export function recorded(
  name: string,
  pred: (f: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown>[] {
  return sharedLines(`captures/${name}`)
    .map((l) => JSON.parse(l) as { t: string; data?: string })
    .filter((r) => r.t === 'recv' && typeof r.data === 'string')
    .map((r) => JSON.parse(r.data!) as Record<string, unknown>)
    .filter(pred);
}
