/**
 * Memory of a page's dedicated workers (the sql.js worker), sampled over the Chrome DevTools
 * Protocol while the page works. Playwright's CDP session speaks to the page's target only, so
 * the page's session auto-attaches to its workers without flattening and talks to each through
 * Target.sendMessageToTarget.
 *
 * What is measured, per worker and sample:
 * - Runtime.getHeapUsage `usedSize`: the worker's V8 heap (objects, strings, the engine state);
 * - its `backingStorageSize`: ArrayBuffer contents outside that heap: fetched and gunzipped
 *   segment bytes, and sql.js's in-memory files (Emscripten's MEMFS keeps a database's bytes in
 *   a typed array);
 * - the WebAssembly memory (the sql.js heap: page cache, statements), counted in neither. Nothing
 *   global reaches it and Runtime.queryObjects never answers in a module worker here, so the
 *   worker's script is served with a prelude that keeps every memory a wasm instance exports.
 * The peak is the largest sum of the three sampled.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface WorkerMemoryPeak {
  /** The largest sample's total, bytes, */
  total: number;
  /** and its parts. */
  jsHeap: number;
  buffers: number;
  wasm: number;
  samples: number;
}

/** Kept in the worker: every WebAssembly.Memory its wasm instances export. */
const PRELUDE = `{
  const kept = (globalThis.__fbWasmMemories = []);
  const keep = (f) => async (...args) => {
    const r = await f(...args);
    const instance = r instanceof WebAssembly.Instance ? r : r.instance;
    for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) kept.push(v);
    return r;
  };
  WebAssembly.instantiate = keep(WebAssembly.instantiate.bind(WebAssembly));
  WebAssembly.instantiateStreaming = keep(WebAssembly.instantiateStreaming.bind(WebAssembly));
}
`;
const WASM_BYTES = '(globalThis.__fbWasmMemories ?? []).reduce((n, m) => n + m.buffer.byteLength, 0)';

const ANSWER_MS = 30_000;

interface HeapUsage {
  usedSize: number;
  backingStorageSize: number;
}

/** Commands to one attached worker, answered through the page's session. */
function workerChannel(cdp: CDPSession) {
  let id = 0;
  const pending = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p || m.id === undefined) return;
    pending.delete(m.id);
    if (m.error) p.fail(new Error(m.error.message));
    else p.ok(m.result);
  });
  return <T>(sessionId: string, method: string, params: object = {}): Promise<T> =>
    new Promise<T>((ok, fail) => {
      const i = ++id;
      // A worker that went away answers nothing: give up rather than wait for ever.
      const timer = setTimeout(() => {
        pending.delete(i);
        fail(new Error(`the worker did not answer ${method} within ${ANSWER_MS / 1000} s`));
      }, ANSWER_MS);
      const settle =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          clearTimeout(timer);
          f(...a);
        };
      pending.set(i, { ok: settle(ok as (v: unknown) => void), fail: settle(fail) });
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) })
        .catch(settle(fail));
    });
}

/**
 * Start sampling the workers `page` will start (the worker script matching `script`), every
 * `everyMs`. Call before the page loads.
 */
export async function watchWorkerMemory(
  page: Page,
  script: RegExp,
  everyMs = 100,
): Promise<{ stop(): Promise<WorkerMemoryPeak> }> {
  await page.route(script, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: PRELUDE + (await response.text()) });
  });
  const cdp = await page.context().newCDPSession(page);
  const call = workerChannel(cdp);
  const workers: string[] = [];
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.push(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    const i = workers.indexOf(e.sessionId ?? '');
    if (i >= 0) workers.splice(i, 1);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

  const peak: WorkerMemoryPeak = { total: 0, jsHeap: 0, buffers: 0, wasm: 0, samples: 0 };
  const sample = async () => {
    for (const w of [...workers]) {
      const [u, wasm] = await Promise.all([
        call<HeapUsage>(w, 'Runtime.getHeapUsage'),
        call<{ result: { value: number } }>(w, 'Runtime.evaluate', { expression: WASM_BYTES, returnByValue: true }),
      ]);
      peak.samples++;
      const total = u.usedSize + u.backingStorageSize + wasm.result.value;
      if (total > peak.total)
        Object.assign(peak, { total, jsHeap: u.usedSize, buffers: u.backingStorageSize, wasm: wasm.result.value });
    }
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await sample();
      await cdp.detach();
      if (!peak.samples) throw new Error('no worker memory was sampled: the page started no worker');
      return peak;
    },
  };
}
