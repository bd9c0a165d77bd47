/**
 * The static site in a real browser: built from a real recording, served as plain files, no
 * relay. Every page renders its content without console errors (the CSP is strict, so an inline
 * style or script slipping in fails here); Markdown injection stays inert; the replay page streams
 * the bundled sample session (published by the build) in a sql.js worker and lists the alerts
 * `futuresboard replay --alerts` prints; the backtest page reports the figures `futuresboard
 * backtest` writes for the same session;
 * bad files give clear errors. Then the same static build goes live: the real simulator,
 * collector and relay feed the dashboard through `?relay=`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { runBacktest } from '../../cli/backtest.ts';
import type { BacktestReport } from '../../replay/backtest/report.ts';
import { openRecordingsDir } from '../../replay/adapters/recordings-dir.ts';
import { countEvents } from '../../replay/player/parts.ts';
import { fmtNumber, fmtPct } from '../../src/lib/format.ts';
import { startRig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';
import {
  alertKeyText,
  captureIo,
  launchChromium,
  nodeReplayAlerts,
  SAMPLE_SESSION,
  serveSampleSite,
  shownAlerts,
} from './site-rig.ts';

const ARTIFACTS = 'test-artifacts/site';
/** The bundled sample, as the CLI reads it. */
const SAMPLE = ['--recordings', SAMPLE_SESSION];

let base = '';
let server: Server;
let browser: Browser;

beforeAll(async () => {
  ({ url: base, server } = await serveSampleSite(tempDir('fb-site-')));
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

const root = (page: Page) => page.locator('[data-replay-state]').first();
const ended = (page: Page) =>
  expect.poll(() => root(page).getAttribute('data-replay-state'), { timeout: 60_000 }).toBe('ended');

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
    ['market', '/markets/btc-usdt-usdt/', 'BTC/USDT:USDT'],
    ['replay', '/replay/', 'Open sample'],
    ['recordings', '/recordings/', 'sample'],
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
    // Typing into the server-rendered table before its island hydrates would be lost.
    await page.waitForFunction(() => {
      const island = document.querySelector('[data-testid=market-table]')?.closest('astro-island');
      return island !== null && island !== undefined && !island.hasAttribute('ssr');
    });
    const all = await rows.count();
    await page.getByLabel('Filter markets').fill('eth');
    await expect.poll(() => rows.count()).toBeLessThan(all);
    for (const row of await rows.allInnerTexts()) expect(row).toContain('ETH');
    expect(page.url()).toContain('q=eth');
    await page.getByLabel('Filter markets').fill('');
    await page.getByTestId('sort-price').click();
    const prices = await page.locator('[data-testid=market-table] tbody td[data-col=price]').allInnerTexts();
    const numbers = prices.map((p) => Number(p.replace(/,/g, ''))).filter((n) => Number.isFinite(n));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await page.close();
  });

  it('alerts page charts the alerts by tier: bar chart and donut, loaded on demand', async () => {
    const { page, errors } = await open('/alerts/');
    const count = await page.getByTestId('alert-count').innerText();
    const total = Number(/of (\d+) alerts/.exec(count)?.[1]);
    expect(total).toBeGreaterThan(0);
    const tiers = new Set(
      await page
        .locator('[data-testid=alert-table] tr[data-alert-tier]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.alertTier)),
    );
    // One donut slice per tier present, and the total in its centre.
    await expect.poll(() => page.locator('[data-testid=tier-donut] .recharts-pie-sector').count()).toBe(tiers.size);
    expect(await page.getByTestId('tier-donut').innerText()).toContain(String(total));
    await page.getByTestId('tier-1').check();
    await expect.poll(() => page.locator('[data-testid=tier-donut] .recharts-pie-sector').count()).toBe(1);
    await shot(page, 'alerts-tier-1');
    expect(errors).toEqual([]);
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
  it('plays the bundled sample session to the end, streaming its segments through the sql.js worker', async () => {
    const count = countEvents(openRecordingsDir(SAMPLE_SESSION));
    const { page, errors } = await open('/replay/?session=sample&speed=max&autoplay=1');
    await ended(page);
    expect(await root(page).getAttribute('data-events')).toBe(String(count));
    expect(await page.getByTestId('replay-position').innerText()).toContain(
      `${count.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} events`,
    );
    // It opens on a market with prices: that market has rows in the table and a drawn chart.
    const market = await page.getByLabel('Chart market').inputValue();
    expect(
      await page.locator(`[data-testid=market-table] tbody tr:has-text("${market.split('/')[0]}")`).count(),
    ).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=chart][data-ready=true]');
    await shot(page, 'replay-finished');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the price chart as soon as the chosen market plays, not only at the end', async () => {
    const { page, errors } = await open(
      `/replay/?session=sample&speed=10&autoplay=1&market=${encodeURIComponent('ETH/USDT:USDT')}`,
    );
    await page.waitForSelector('[data-testid=chart][data-ready=true]', { timeout: 20_000 });
    expect(await root(page).getAttribute('data-replay-state')).toBe('playing');
    expect(await page.getByLabel('Chart market').inputValue()).toBe('ETH/USDT:USDT');
    await shot(page, 'replay-playing');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists the alerts `futuresboard replay --alerts` computes in Node', async () => {
    const expected = await nodeReplayAlerts(SAMPLE);
    expect(new Set(expected.map((a) => /T(\d) /.exec(a)?.[1])).size).toBeGreaterThanOrEqual(3);
    const { page, errors } = await open('/replay/?session=sample&speed=max&autoplay=1');
    await ended(page);
    expect(await page.getByTestId('replay-alert-count').innerText()).toBe(String(expected.length));
    const shown = await shownAlerts(page);
    // The table shows the newest 200; each is one Node computed.
    expect(shown.length).toBe(Math.min(200, expected.length));
    for (const a of shown) expect(expected).toContain(alertKeyText(a));
    await shot(page, 'replay-alerts');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a backtest with the figures `futuresboard backtest` reports for the same file', async () => {
    // follow-tier2 trades on the sample's tier-2 alerts, so every figure compared is a real number.
    const out = tempDir('fb-site-bt-');
    expect(
      await runBacktest(
        [...SAMPLE, '--strategy', 'follow-tier2', '--param', 'notional=2000', '--out', out],
        captureIo(),
      ),
    ).toBe(0);
    const cli = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BacktestReport;
    expect(cli.trades).toBeGreaterThan(0);

    const { page, errors } = await open('/backtest/?session=sample&strategy=follow-tier2&p.notional=2000');
    await expect.poll(() => page.getByTestId('run-backtest').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('run-backtest').click();
    await page.waitForSelector('[data-testid=backtest-results]', { timeout: 60_000 });
    const card = (id: string) => page.locator(`[data-metric=${id}]`).innerText();
    expect(await card('trades')).toBe(String(cli.trades));
    expect(await card('sharpe')).toBe(fmtNumber(cli.sharpe, 3));
    expect(await card('sortino')).toBe(fmtNumber(cli.sortino, 3));
    expect(await card('max_drawdown')).toBe(fmtPct(cli.max_drawdown * 100));
    expect(await card('fees_paid')).toBe(`${fmtNumber(cli.fees_paid, 2)} USDT`);
    expect(await card('funding')).toBe(`${fmtNumber(cli.funding_paid, 2)} / ${fmtNumber(cli.funding_received, 2)}`);
    expect(await card('total_return')).toContain(`over ${cli.total_return_interval}`);

    // The page's report export carries the exact numbers: they must equal the CLI's to the bit.
    const reportDownload = page.waitForEvent('download');
    await page.getByTestId('export-report').click();
    const browser = JSON.parse(readFileSync((await (await reportDownload).path())!, 'utf8')) as BacktestReport;
    const figures = (r: BacktestReport) => ({
      sharpe: r.sharpe,
      sortino: r.sortino,
      max_drawdown: r.max_drawdown,
      trades: r.trades,
      fees_paid: r.fees_paid,
      funding_paid: r.funding_paid,
      funding_received: r.funding_received,
      net_pnl: r.net_pnl,
      params: r.params,
    });
    expect(figures(browser)).toEqual(figures(cli));
    expect(browser.trade_list).toEqual(cli.trade_list);

    const download = page.waitForEvent('download');
    await page.getByTestId('export-trades').click();
    expect((await download).suggestedFilename()).toBe('backtest-follow-tier2-trades.csv');
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

describe('the static build going live', () => {
  it('dashboard turns live on a running collector and its market values move', async () => {
    const rig = await startRig(tempDir('fb-site-live-'), { rate: 300, tweak: (c) => c.http.origins.push(base) });
    try {
      // A quote the collector has committed names a row the live table must show and move.
      const quote = await rig.next((e) => e.kind === 'book_ticker', 20_000, 'a committed quote');
      const { page, errors } = await open(`/?relay=ws://127.0.0.1:${rig.service.port}/`);
      await expect
        .poll(() => page.getByTestId('status-pill').getAttribute('data-status'), { timeout: 20_000 })
        .toBe('live');
      expect(await page.getByTestId('status-pill').innerText()).toBe('live');
      const cell = `[data-testid=market-table] tr[data-exchange="${quote.exchange}"][data-market="${quote.market}"] td[data-col=price]`;
      const first = await page.waitForFunction(
        (sel) => {
          const text = document.querySelector(sel)?.textContent ?? '';
          return /\d/.test(text) ? text : false;
        },
        cell,
        { timeout: 20_000 },
      );
      const before = await first.jsonValue();
      await page.waitForFunction(
        ([sel, old]) => {
          const text = document.querySelector(sel)?.textContent ?? '';
          return /\d/.test(text) && text !== old;
        },
        [cell, before] as const,
        { timeout: 20_000 },
      );
      await shot(page, 'dashboard-live');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await rig.stop();
    }
  });
});
