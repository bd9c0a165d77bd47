/**
 * Hostile input on the static site, in Chromium: SQLite files a user might be sent (truncated,
 * script in its market names, a schema that makes every read fail) opened in the replay page,
 * and a docs page carrying script and HTML injection. Files are refused with a message or
 * opened safely, nothing injected runs, and the file is only ever read in a Web Worker, so the
 * page's own thread stays free.
 *
 * test/site covers a corrupt header, a foreign SQLite file, an oversized file and a hostile
 * status report; this file covers what those do not. One site build for the file.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { buildSite, emptyConfig, launchChromium, makeDocs, makeRecording, serveDir } from '../site/site-rig.ts';

const HOSTILE_DOC = `---
title: "Hostile <script>window.__pwned = 11</script> doc"
---
# Hostile doc

<script>window.__pwned = 12</script>
<img src="x" onerror="window.__pwned = 13">
<svg onload="window.__pwned = 14"><script>window.__pwned = 15</script></svg>
[click](javascript:window.__pwned=16)
<a href="jAvAsCrIpT:window.__pwned=17">mixed case</a>
<iframe srcdoc="<script>parent.__pwned = 18</script>"></iframe>
<form action="javascript:window.__pwned=19"><button>go</button></form>
<style>body { display: none }</style>

Plain **text** survives.
`;

const XSS_MARKET = '<img src=x onerror="window.__pwned=21">/USDT:USDT';

const dir = tempDir('fb-site-hostile-');
let base = '';
let server: Server;
let browser: Browser;
const files: Record<'truncated' | 'injected' | 'trapped', string> = { truncated: '', injected: '', trapped: '' };

beforeAll(async () => {
  const recording = join(dir, 'recording.sqlite');
  makeRecording(recording);
  const docs = join(dir, 'docs');
  makeDocs(docs);
  writeFileSync(join(docs, 'hostile.md'), HOSTILE_DOC);
  await buildSite(join(dir, 'dist'), {
    FUTURESBOARD_CONFIG: emptyConfig(dir),
    FUTURESBOARD_SITE_DB: recording,
    FUTURESBOARD_DOCS_DIR: docs,
    PUBLIC_RELAY_URL: 'off',
  });
  ({ url: base, server } = await serveDir(join(dir, 'dist')));
  browser = await launchChromium();

  // A download cut off halfway: the header promises pages that are not there.
  const bytes = readFileSync(recording);
  files.truncated = join(dir, 'truncated.sqlite');
  writeFileSync(files.truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  // A valid recording whose market names are HTML.
  files.injected = join(dir, 'injected.sqlite');
  copyFileSync(recording, files.injected);
  const inj = new Database(files.injected);
  // Schema v2: every event row names its market through the markets dictionary.
  inj
    .prepare('UPDATE market_keys SET market = ?, symbol = ? WHERE market = (SELECT min(market) FROM trades)')
    .run(XSS_MARKET, XSS_MARKET);
  inj.close();
  // The right tables plus a column (and a view) whose every read builds a value above SQLite's
  // length limit: a reader that selects * or walks every view fails on it.
  files.trapped = join(dir, 'trapped.sqlite');
  copyFileSync(recording, files.trapped);
  const bad = new Database(files.trapped);
  bad.exec('ALTER TABLE trade_rows ADD COLUMN boom BLOB GENERATED ALWAYS AS (zeroblob(2000000000)) VIRTUAL');
  bad.exec('CREATE VIEW IF NOT EXISTS v_boom AS SELECT boom FROM trade_rows');
  bad.close();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** A page with its uncaught errors collected. */
async function watchedPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + path);
  return { page, errors };
}

/**
 * Whether the page's own thread, and each of its workers, fetched the sql.js wasm. The page stays
 * responsive whatever a file does because the file is only read in a Web Worker; that is checked
 * here, not by timing the page (a loaded machine stalls any thread).
 */
async function wasmFetched(page: Page): Promise<{ page: boolean; workers: boolean[] }> {
  const fetched = () => performance.getEntriesByType('resource').some((r) => r.name.includes('sql-wasm'));
  return {
    page: await page.evaluate(fetched),
    workers: await Promise.all(page.workers().map((w) => w.evaluate(fetched))),
  };
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

describe('hostile SQLite files in the replay page', () => {
  it('refuses a truncated recording with a message and stays responsive', async () => {
    const { page, errors } = await watchedPage('/replay/');
    await page.getByTestId('open-file').setInputFiles(files.truncated);
    const error = page.getByTestId('load-error');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 30_000 }).toBe('E_NOT_SQLITE');
    expect(await error.innerText()).toContain('truncated.sqlite');
    // Refused in the worker (it reads the file before it loads SQLite), never on the page.
    const where = await wasmFetched(page);
    expect(where.page).toBe(false);
    expect(where.workers.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a recording with a booby-trapped extra column and view safely: only known columns are read', async () => {
    const { page, errors } = await watchedPage('/replay/?speed=max');
    await page.getByTestId('open-file').setInputFiles(files.trapped);
    await expect
      .poll(() => page.getByTestId('replay-position').getAttribute('data-done'), { timeout: 30_000 })
      .toBe('true');
    expect(await page.getByTestId('load-error').count()).toBe(0);
    expect(await wasmFetched(page)).toMatchObject({ page: false, workers: expect.arrayContaining([true]) });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays a recording with HTML in its market names as plain text', async () => {
    const { page, errors } = await watchedPage('/replay/?speed=max');
    await page.getByTestId('open-file').setInputFiles(files.injected);
    await expect
      .poll(() => page.getByTestId('replay-position').getAttribute('data-done'), { timeout: 30_000 })
      .toBe('true');
    await expect.poll(() => page.locator('main').innerText()).toContain(XSS_MARKET);
    expect(await page.locator('main img[onerror]').count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
    expect(await wasmFetched(page)).toMatchObject({ page: false, workers: expect.arrayContaining([true]) });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('docs with script and HTML injection', () => {
  it('renders the doc and its title inert', async () => {
    const { page } = await watchedPage('/docs/');
    const link = page.locator('main a', { hasText: 'Hostile' });
    expect(await link.innerText()).toContain('<script>');
    await link.click();
    await expect.poll(() => page.locator('main').innerText()).toContain('Plain text survives.');
    const main = page.locator('main');
    expect(await main.locator('script, iframe, form, style, svg').count()).toBe(0);
    expect(await main.locator('[onerror], [onload], [onclick], [srcdoc]').count()).toBe(0);
    expect(await main.locator('a[href^="javascript:" i]').count()).toBe(0);
    expect(await page.evaluate(() => getComputedStyle(document.body).display)).not.toBe('none');
    expect(await page.title()).toContain('<script>');
    expect(await pwned(page)).toBeUndefined();
    await page.close();
  });
});
