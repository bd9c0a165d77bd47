/**
 * The static site in a real browser: built from a real recording, served as plain files, no
 * relay. Every page renders its content without console errors (the CSP is strict, so an inline
 * style or script slipping in fails here); Markdown injection stays inert; the replay page plays
 * the bundled recording in a sql.js worker through the same core as Node; the backtest page
 * reports what the CLI's engine reports for the same file; bad files give clear errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { backtestEvents } from '../../replay/core/backtest/engine.ts';
import { getStrategy } from '../../replay/core/backtest/strategies/index.ts';
import { readEvents, summarizeEvents } from '../../replay/core/replay/read-events.ts';
import { recordedMetricsConfig } from '../../replay/core/replay/recorded-metrics-config.ts';
import { tempDir } from '../helpers/tmp.ts';
import { buildSite, launchChromium, makeDocs, makeRecording, serveDir } from './site-rig.ts';

const ARTIFACTS = 'test-artifacts/site';
const SAMPLE = 'public/recordings/sample.sqlite';

let base = '';
let server: Server;
let browser: Browser;
let recording = '';

beforeAll(async () => {
  const dir = tempDir('fb-site-');
  recording = join(dir, 'recording.sqlite');
  await makeRecording(recording);
  makeDocs(join(dir, 'docs'));
  await buildSite(join(dir, 'dist'), { FUTURESBOARD_SITE_DB: recording, FUTURESBOARD_DOCS_DIR: join(dir, 'docs'), PUBLIC_RELAY_URL: 'off' });
  ({ url: base, server } = await serveDir(join(dir, 'dist')));
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Open a page and collect every console error and uncaught exception while it runs. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + path);
  return { page, errors };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('static pages', () => {
  it.each([
    ['dashboard', '/', 'Markets'],
    ['alerts', '/alerts/', 'Alerts'],
    ['health', '/health/', 'Health'],
    ['docs', '/docs/', 'SQLite schema'],
    ['doc-schema', '/docs/schema/', 'journal_mode=DELETE'],
    ['status', '/status/', 'Status report 2099-01-01'],
    ['market', '/markets/sushi-usdt-usdt/', 'SUSHI/USDT:USDT'],
    ['replay', '/replay/', 'Open the sample recording'],
    ['backtest', '/backtest/', 'zscore-revert'],
  ])('%s renders its content without console errors', async (name, path, text) => {
    const { page, errors } = await open(path);
    await expect.poll(() => page.locator('main').innerText()).toContain(text);
    // Islands hydrate after load; give them their turn before judging the console.
    await page.waitForLoadState('networkidle');
    await shot(page, name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dashboard shows the recording as of its newest event, sortable and filterable, state in the URL', async () => {
    const { page } = await open('/');
    await expect.poll(() => page.getByTestId('as-of').innerText()).toMatch(/Snapshot as of 20\d\d-/);
    await expect.poll(() => page.getByTestId('status-pill').getAttribute('data-status')).toBe('static');
    const rows = page.locator('[data-testid=market-table] tbody tr');
    expect(await rows.count()).toBeGreaterThan(3);
    await page.getByLabel('Filter markets').fill('sushi');
    await expect.poll(() => rows.count()).toBe(1);
    expect(page.url()).toContain('q=sushi');
    await page.getByLabel('Filter markets').fill('');
    await page.getByTestId('sort-price').click();
    const prices = await page.locator('[data-testid=market-table] tbody td[data-col=price]').allInnerTexts();
    const numbers = prices.map((p) => Number(p.replace(/,/g, ''))).filter((n) => Number.isFinite(n));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await page.close();
  });

  it('renders status reports newest first and keeps injected HTML inert', async () => {
    const { page, errors } = await open('/status/');
    const titles = await page.locator('[data-testid=report-list] a').allInnerTexts();
    expect(titles).toEqual(['Status report 2099-01-01 00:00 UTC', 'Status report 2098-01-01 00:00 UTC']);
    await page.locator('[data-testid=report-list] a').first().click();
    await expect.poll(() => page.locator('article').innerText()).toContain('Normal bold text survives.');
    const article = page.locator('article');
    expect(await article.locator('script, iframe').count()).toBe(0);
    expect(await article.locator('[onerror], [onclick]').count()).toBe(0);
    expect(await article.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'status-hostile');
    // The hostile <img src="x"> is kept as a plain image (its onerror is gone): its 404 is the only message.
    expect(errors.filter((e) => !e.includes('404 (Not Found)'))).toEqual([]);
    await page.close();
  });
});

describe('replay and backtest in the browser', () => {
  it('plays the bundled recording to the end through the sql.js worker', async () => {
    const db = openNodeDb(SAMPLE, { readonly: true });
    const { count } = summarizeEvents(db);
    db.close();
    const { page, errors } = await open('/replay/?rec=sample&speed=max');
    await expect.poll(() => page.getByTestId('replay-position').getAttribute('data-done'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('replay-position').innerText()).toContain(`${count.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} events`);
    expect(await page.locator('[data-testid=market-table] tbody tr').count()).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=chart][data-ready=true]');
    await shot(page, 'replay-finished');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a backtest with the same metrics the engine gives in Node for the same file', async () => {
    const db = openNodeDb(SAMPLE, { readonly: true });
    let first: number | null = null;
    for (const e of readEvents(db)) {
      first = e.seq;
      break;
    }
    const expected = backtestEvents(readEvents(db), { strategy: getStrategy('zscore-revert'), params: { entry_z: '1.5' }, metricsConfig: recordedMetricsConfig(db, first) });
    db.close();
    const { page, errors } = await open('/backtest/?rec=sample&strategy=zscore-revert&p.entry_z=1.5');
    await expect.poll(() => page.getByTestId('run-backtest').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('run-backtest').click();
    await page.waitForSelector('[data-testid=backtest-results]', { timeout: 30_000 });
    expect(await page.locator('[data-metric=trades]').innerText()).toBe(String(expected.trades));
    expect(await page.locator('[data-metric=total_return]').innerText()).toContain(`over ${expected.total_return_interval}`);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-trades').click();
    expect((await download).suggestedFilename()).toBe('backtest-zscore-revert-trades.csv');
    await shot(page, 'backtest-done');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a corrupt file, a foreign SQLite file and an oversized file with a message', async () => {
    const dir = tempDir('fb-site-files-');
    const corrupt = join(dir, 'corrupt.sqlite');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 7)]));
    const foreign = join(dir, 'foreign.sqlite');
    const f = openNodeDb(foreign);
    f.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    f.close();

    const { page } = await open('/replay/?maxmb=0.001');
    const error = page.getByTestId('load-error');
    await page.getByTestId('open-file').setInputFiles(corrupt);
    await expect.poll(() => error.getAttribute('data-code')).toBe('E_TOO_LARGE');
    await page.goto(`${base}/replay/`);
    await page.getByTestId('open-file').setInputFiles(corrupt);
    await expect.poll(() => error.getAttribute('data-code')).toBe('E_NOT_SQLITE');
    expect(await error.innerText()).toContain('corrupt.sqlite is not a readable SQLite database');
    await page.getByTestId('open-file').setInputFiles(foreign);
    await expect.poll(() => error.getAttribute('data-code')).toBe('E_NOT_RECORDING');
    expect(await error.innerText()).toContain('not a futuresboard recording');
    await shot(page, 'replay-foreign-file');
    await page.close();
  });
});
