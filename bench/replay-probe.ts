/**
 * The replay page's worker as a bench sees it: an init script wraps the page's `Worker` so each
 * worker the page starts also reports to `window.__fbProbe` when a recording is opened, when the
 * stream waits for a segment, every tick (position, events played, done) and the first tick at
 * or past a seek target; it also notes the last click on a session's Open button, the seek
 * input's `input` event and when a price chart is first drawn. All on the page's own clock, so
 * times are not blurred by the round trips to Playwright; the page's code is not touched.
 */
import type { Page } from 'playwright-core';

export interface ProbeTick {
  at: number;
  position: number | null;
  emitted: number;
  done: boolean;
}

export interface Probe {
  /** The last click on an Open button (page clock, ms). */
  clickAt: number | null;
  /** When the worker said the recording was open. */
  opened: number | null;
  /** The stream waiting for a segment (true) and going on (false), in order. */
  waits: { at: number; waiting: boolean }[];
  /** The first tick with events played. */
  firstTick: number | null;
  last: ProbeTick | null;
  /** When a price chart was first drawn (data-ready set). */
  chartAt: number | null;
  /** The seek being timed: its target, when it was asked for, when a tick first reached it. */
  want: number | null;
  seekAt: number | null;
  reached: number | null;
}

declare global {
  interface Window {
    __fbProbe: Probe;
  }
}

/**
 * Runs in the page, from its source text: no named function or class may be declared inside
 * (tsx's esbuild would wrap it in a `__name` helper that the page does not have).
 */
function install(): void {
  const probe: Probe = {
    clickAt: null,
    opened: null,
    waits: [],
    firstTick: null,
    last: null,
    chartAt: null,
    want: null,
    seekAt: null,
    reached: null,
  };
  window.__fbProbe = probe;
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (ev: MessageEvent) => {
        const m = ev.data as {
          type?: string;
          position?: number | null;
          emitted?: number;
          done?: boolean;
          waiting?: boolean;
        };
        const at = performance.now();
        if (m.type === 'opened') probe.opened = at;
        if (m.type === 'waiting') probe.waits.push({ at, waiting: m.waiting === true });
        if (m.type !== 'tick') return;
        probe.last = { at, position: m.position ?? null, emitted: m.emitted ?? 0, done: m.done === true };
        if (probe.firstTick === null && probe.last.emitted > 0) probe.firstTick = at;
        if (probe.want !== null && probe.reached === null && (m.position ?? -Infinity) >= probe.want)
          probe.reached = at;
      });
    }
  };
  document.addEventListener(
    'input',
    (ev) => {
      if ((ev.target as HTMLElement | null)?.dataset?.testid === 'seek') probe.seekAt = performance.now();
    },
    true,
  );
  document.addEventListener(
    'click',
    (ev) => {
      if ((ev.target as HTMLElement | null)?.dataset?.testid === 'open-session') probe.clickAt = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (probe.chartAt === null && document.querySelector('[data-testid=chart][data-ready=true]'))
      probe.chartAt = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
}

/** Install the probe on `page`; it takes effect from the next navigation. */
export const installProbe = async (page: Page): Promise<void> => {
  await page.addInitScript(install);
};

export const readProbe = (page: Page): Promise<Probe> => page.evaluate(() => window.__fbProbe);

/** Throw the page's load error, if it shows one (a bench must not wait out its timeout for nothing). */
async function loadError(page: Page): Promise<void> {
  const error = page.getByTestId('load-error');
  if (await error.count()) throw new Error(`the replay page could not load: ${await error.innerText()}`);
}

const TIMEOUT = 900_000;

/** Wait until the replay has played to its end (or the page shows a load error). */
export async function waitEnded(page: Page): Promise<Probe> {
  await page.waitForFunction(
    () => window.__fbProbe.last?.done === true || document.querySelector('[data-testid=load-error]') !== null,
    null,
    { timeout: TIMEOUT, polling: 50 },
  );
  await loadError(page);
  return readProbe(page);
}

/** Set the seek input to `target` and wait for the first tick at or past it; ms from the input event to that tick. */
export async function timedSeek(page: Page, target: number): Promise<number> {
  await page.evaluate((t) => Object.assign(window.__fbProbe, { want: t, seekAt: null, reached: null }), target);
  await page.getByTestId('seek').fill(String(target));
  await page.waitForFunction(
    () => window.__fbProbe.reached !== null || document.querySelector('[data-testid=load-error]') !== null,
    null,
    { timeout: TIMEOUT, polling: 20 },
  );
  await loadError(page);
  const p = await readProbe(page);
  if (p.seekAt === null || p.reached === null) throw new Error('the seek input gave no input event');
  return p.reached - p.seekAt;
}
