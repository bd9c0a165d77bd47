/**
 * Replay throughput in the browser vs Node on the same ~50 MB recording, in the same run: the
 * replay page at max speed in headless Chromium (sql.js in the module worker, metrics engine
 * included) against the very same session code (src/islands/sqlite/replay-session.ts) over
 * better-sqlite3 in Node. Target (issue 6): browser/Node ≥ 0.40. A bare readEvents pass in
 * Node is printed as the floor both stand on.
 *
 *   npx tsx bench/replay-browser.bench.ts
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openNodeDb } from '../replay/adapters/node-sqlite.ts';
import { readEvents, summarizeEvents } from '../replay/player/read-events.ts';
import { fileHandle } from '../src/islands/sqlite/recording-handle.ts';
import { startReplay } from '../src/islands/sqlite/replay-session.ts';
import { launchChromium } from '../test/site/site-rig.ts';
import { siteBenchKit } from './site.bench.ts';

const TARGET = 0.4;
const RUNS = 2;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Events/s of the best of RUNS replays at max speed through the worker's session code, in Node. */
async function nodeRate(file: string): Promise<{ events: number; replay: number; floor: number }> {
  const db = openNodeDb(file, { readonly: true });
  try {
    const summary = summarizeEvents(db);
    const events = summary.count;
    // The handle the worker builds over an opened file, here over better-sqlite3.
    const handle = fileHandle(
      db,
      {
        name: file,
        bytes: 0,
        segments: 1,
        events,
        firstTs: summary.first_ts,
        lastTs: summary.last_ts,
        markets: [],
        schemaVersion: null,
      },
      {},
    );
    let replay = 0;
    let floor = 0;
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await startReplay(handle, { speed: 'max', startAt: null, warmupMs: 0 }, () => {}).done;
      replay = Math.max(replay, events / ((performance.now() - t) / 1000));
      t = performance.now();
      let n = 0;
      for (const _ of readEvents(db)) n++;
      floor = Math.max(floor, n / ((performance.now() - t) / 1000));
    }
    return { events, replay, floor };
  } finally {
    db.close();
  }
}

/**
 * Events/s of the best of RUNS replays at max speed in the page: from the moment the recording
 * is open (controls shown; play starts at once) until the page shows the replay finished.
 */
async function browserRate(base: string, file: string, events: number): Promise<number> {
  const browser = await launchChromium();
  try {
    let best = 0;
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      await page.goto(`${base}/replay/?speed=max&maxmb=512`);
      await page.waitForLoadState('networkidle');
      await page.getByTestId('open-file').setInputFiles(file);
      await page.waitForSelector('[data-testid=replay-controls]', { timeout: 120_000 });
      const t = performance.now();
      await page.waitForSelector('[data-testid=replay-position][data-done=true]', { timeout: 300_000 });
      const seconds = (performance.now() - t) / 1000;
      const shown = await page.getByTestId('replay-position').innerText();
      if (!shown.includes(`${events.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} events`))
        throw new Error(`browser replay ended early: ${shown}`);
      best = Math.max(best, events / seconds);
      await page.close();
    }
    return best;
  } finally {
    await browser.close();
  }
}

export async function runReplayBrowserBench(): Promise<{ lines: string[] }> {
  const kit = await siteBenchKit();
  const file = await kit.recording();
  const node = await nodeRate(file);
  const browser = await browserRate(kit.base, file, node.events);
  const ratio = browser / node.replay;
  return {
    lines: [
      `Replay at max speed, ${fmt(node.events)} events (simulator → collector → export), metrics engine included, best of ${RUNS}:`,
      '',
      '| path | events/s |',
      '|---|---|',
      `| browser: replay page, sql.js in a module worker | ${fmt(browser)} |`,
      `| Node: the same replay session over better-sqlite3 | ${fmt(node.replay)} |`,
      `| Node floor: bare readEvents pass | ${fmt(node.floor)} |`,
      '',
      `browser/Node: ${ratio.toFixed(2)} (target ≥ ${TARGET.toFixed(2)}) ${ratio >= TARGET ? 'ok' : 'FAIL'}`,
    ],
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { lines } = await runReplayBrowserBench();
  process.stdout.write(lines.join('\n') + '\n');
}
