/**
 * Published recordings on a static host: a recordings folder cut into 1-minute segments is
 * published by the site build (site.publish.recent) under the base path /fb, served as plain
 * files (no range requests, no compression negotiation), and the replay and backtest pages
 * stream it segment by segment in Chromium. The browser plays exactly the events and alerts
 * `futuresboard replay --recordings` gives, a seek across a segment boundary fetches only the
 * segments from its warm-up on and plays what Node plays from there, the backtest report equals
 * `futuresboard backtest --recordings`, the same folder picked from disk plays the same, and a
 * segment changed on the host is refused by name.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, SegmentEntry } from '../../core/catalog.ts';
import { resolveMetricsConfig } from '../../core/metrics/config.ts';
import { parseManifest, type PublishedSession } from '../../core/published.ts';
import { runBacktest } from '../../cli/backtest.ts';
import { runReplay } from '../../cli/replay.ts';
import type { BacktestReport } from '../../replay/backtest/report.ts';
import { syntheticFolder } from '../helpers/recordings-folder.ts';
import { tempDir } from '../helpers/tmp.ts';
import {
  alertKeyText,
  buildSite,
  captureIo,
  launchChromium,
  makeDocs,
  nodeReplayAlerts,
  serveDir,
  shownAlerts,
} from './site-rig.ts';

const START = Date.UTC(2025, 5, 13, 8);
/** Metrics on 2 s buckets with a 60 s z-score window: a seek warms up over one segment. */
const CONFIG = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 30, zMinSamples: 5 });
const WARMUP_MS = 60_000;

const dir = tempDir('fb-published-');
const rec = join(dir, 'rec');
let catalog: Catalog;
let session: PublishedSession;
let base = '';
let server: Server;
let browser: Browser;

beforeAll(async () => {
  ({ catalog } = await syntheticFolder(dir, {
    config: CONFIG,
    events: 30_000,
    markets: 6,
    rate: 80,
    start: START,
    seed: 21,
    periodMs: 60_000,
  }));
  const config = join(dir, 'futuresboard.config.json');
  writeFileSync(config, JSON.stringify({ store: { dir: rec, segment: '1m' }, site: { publish: { recent: '24h' } } }));
  makeDocs(join(dir, 'docs'));
  await buildSite(join(dir, 'web', 'fb'), {
    FUTURESBOARD_CONFIG: config,
    FUTURESBOARD_BASE: '/fb',
    FUTURESBOARD_SITE_DB: join(rec, 'hot.db'),
    FUTURESBOARD_DOCS_DIR: join(dir, 'docs'),
    PUBLIC_RELAY_URL: 'off',
  });
  const manifest = parseManifest(readFileSync(join(dir, 'web/fb/recordings/manifest.json'), 'utf8'), 'manifest.json');
  session = manifest.sessions.find((s) => s.name === 'recent') as PublishedSession;
  ({ url: base, server } = await serveDir(join(dir, 'web')));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

const closed = (): SegmentEntry[] => catalog.segments.filter((s) => !s.open);

async function nodeCount(args: string[]): Promise<number> {
  const io = captureIo();
  expect(await runReplay(['--recordings', rec, ...args], io)).toBe(0);
  return io.stdout.text().split('\n').filter(Boolean).length;
}

/** A page with its errors and the published segments it fetched. */
async function open(path: string): Promise<{ page: Page; errors: string[]; fetched: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const fetched: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} ${r.url()}`));
  page.on('request', (r) => {
    const m = /\/fb\/recordings\/(seg-[^/?]+)$/.exec(new URL(r.url()).pathname);
    if (m) fetched.push(m[1]);
  });
  await page.goto(base + path);
  return { page, errors, fetched };
}

const root = (page: Page) => page.locator('[data-replay-state]').first();
/** The replay's state, with the load error when there is one (so a failure says why). */
const stateOf = async (page: Page) => {
  const error = page.getByTestId('load-error');
  return (await error.count())
    ? `error: ${await error.innerText()} (${page.url()})`
    : await root(page).getAttribute('data-replay-state');
};
const ended = (page: Page) => expect.poll(() => stateOf(page), { timeout: 90_000 }).toBe('ended');

describe('publishing with the site build', () => {
  it('copies the closed segments under hashed names and lists the session in the manifest', () => {
    expect(closed().length).toBeGreaterThanOrEqual(4);
    expect(session.segments.map((s) => s.sha256)).toEqual(closed().map((s) => s.sha256));
    expect(session.events).toBe(closed().reduce((n, s) => n + s.events, 0));
    const files = readdirSync(join(dir, 'web/fb/recordings')).filter((f) => f.startsWith('seg-'));
    expect(files.sort()).toEqual(session.segments.map((s) => s.file).sort());
    for (const s of session.segments) expect(s.file).toContain(s.sha256?.slice(0, 16));
  });
});

describe('streaming a published session in the browser', () => {
  it('plays every segment to the end: the events and alerts Node replays from the folder', async () => {
    const window = ['--from', String(session.from), '--to', String(session.to)];
    const want = await nodeCount(window);
    const alerts = await nodeReplayAlerts(['--recordings', rec, ...window]);
    expect(alerts.length).toBeGreaterThan(0);
    const { page, errors, fetched } = await open('/fb/replay/?session=recent&speed=max&autoplay=1');
    await ended(page);
    expect(Number(await root(page).getAttribute('data-events'))).toBe(want);
    expect(fetched.sort()).toEqual(session.segments.map((s) => s.file).sort());
    expect(await page.getByTestId('replay-alert-count').innerText()).toBe(String(alerts.length));
    const shown = await shownAlerts(page);
    expect(shown.map((a) => alertKeyText(a)).sort()).toEqual(alerts);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('seeks across a segment boundary: fetches from the warm-up on, plays what Node plays from the target', async () => {
    const segs = session.segments;
    const target = segs[3].from - 5_000;
    const { page, errors, fetched } = await open('/fb/replay/?session=recent&speed=1&autoplay=1');
    await expect.poll(() => stateOf(page), { timeout: 30_000 }).toBe('playing');
    fetched.length = 0;
    await page.getByTestId('seek').fill(String(target));
    await page.getByLabel('Speed').selectOption('max');
    await ended(page);
    expect(Number(await root(page).getAttribute('data-events'))).toBe(
      await nodeCount(['--from', String(target), '--to', String(session.to)]),
    );
    // The warm-up starts in segment 1 (target − 60 s): segment 0 is not fetched again.
    const needed = segs.filter((s) => s.to > target - WARMUP_MS).map((s) => s.file);
    // (The first play may still have been prefetching segment 1 when the seek came.)
    expect([...new Set(fetched)].sort()).toEqual(needed.sort());
    expect(fetched).not.toContain(segs[0].file);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('runs a backtest over the segments with the report `futuresboard backtest --recordings` writes', async () => {
    const out = tempDir('fb-published-bt-');
    const window = ['--from', String(session.from), '--to', String(session.to)];
    expect(
      await runBacktest(['--recordings', rec, ...window, '--strategy', 'zscore-revert', '--out', out], captureIo()),
    ).toBe(0);
    const cli = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BacktestReport;
    expect(cli.trades).toBeGreaterThan(0);

    const { page, errors } = await open('/fb/backtest/?session=recent&strategy=zscore-revert');
    await expect.poll(() => page.getByTestId('run-backtest').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('run-backtest').click();
    await page.waitForSelector('[data-testid=backtest-results]', { timeout: 60_000 });
    const reportDownload = page.waitForEvent('download');
    await page.getByTestId('export-report').click();
    const got = JSON.parse(readFileSync((await (await reportDownload).path()) as string, 'utf8')) as BacktestReport;
    const { generated_at: _a, ...fromBrowser } = got as BacktestReport & { generated_at?: unknown };
    const { generated_at: _b, ...fromCli } = cli as BacktestReport & { generated_at?: unknown };
    expect(fromBrowser).toEqual(fromCli);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('plays the same folder picked from disk, with the folder picker or its files picked together', async () => {
    const want = await nodeCount([]);
    const { page, errors } = await open('/fb/replay/?speed=max');
    await page.getByTestId('open-folder').setInputFiles(rec);
    await ended(page);
    expect(Number(await root(page).getAttribute('data-events'))).toBe(want);
    await page.reload();
    const files = readdirSync(rec)
      .filter((f) => f === 'catalog.json' || f.endsWith('.gz') || f === 'hot.db')
      .map((f) => join(rec, f));
    await page.getByTestId('open-file').setInputFiles(files);
    await ended(page);
    expect(Number(await root(page).getAttribute('data-events'))).toBe(want);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('refuses a published segment changed on the host, naming it', async () => {
    const last = session.segments.at(-1) as SegmentEntry;
    const path = join(dir, 'web/fb/recordings', last.file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(path, bytes);
    const { page } = await open('/fb/replay/?session=recent&speed=max&autoplay=1');
    const error = page.getByTestId('load-error');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 60_000 }).toBe('E_MANIFEST');
    expect(await error.innerText()).toContain(`${last.file} differs from its sha256 in the manifest`);
    await page.close();
  }, 180_000);
});
