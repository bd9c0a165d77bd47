/**
 * Live alerts in the browser: the static site (built from the bundled sample) goes live on a
 * real relay server on 127.0.0.1, port 0, and the test publishes alert records on it as the
 * collector does. An alert the relay already holds at connect lists in the table but does not
 * toast; one published while the dashboard is live toasts with its market and tier, lights up its
 * market's row and, once sound is allowed for its tier by a click, beeps (Web Audio, observed by
 * wrapping OscillatorNode.start). The choices survive a reload; the remembered sound waits for a
 * new click. The market page's price chart marks the market's alerts, recorded and live.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../collector/relay/test-support.ts';
import type { AlertRecord } from '../../core/metrics/types.ts';
import { toneFor } from '../../src/lib/alert-sound.ts';
import { tempDir } from '../helpers/tmp.ts';
import { launchChromium, serveSampleSite } from './site-rig.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const SOL = 'SOL/USDT:USDT';
const ARTIFACTS = 'test-artifacts/site';

let base = '';
let server: Server;
let browser: Browser;
let relay: TestServer;

beforeAll(async () => {
  ({ url: base, server } = await serveSampleSite(tempDir('fb-live-alerts-')));
  relay = await startTestServer({ http: { origins: [base] } });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  server?.close();
});

/** Every alert published so far, oldest first: the relay keeps them all for its snapshots. */
const published: AlertRecord[] = [];

/** Publishes an alert on the relay as the collector does after a commit; each one distinct. */
function publishAlert(over: Pick<AlertRecord, 'exchange' | 'market' | 'tier' | 'rule' | 'direction'>): AlertRecord {
  const local_ts = Date.now() + published.length;
  const alert: AlertRecord = {
    symbol: over.market.split('/')[0] + 'USDT',
    local_ts,
    seq: published.length + 1,
    bucket_ts: local_ts - (local_ts % 2000),
    value: 3.25,
    threshold: 2.5,
    price: 100,
    inputs: {},
    fwd_ret_5m: null,
    fwd_ret_15m: null,
    fwd_ret_60m: null,
    ...over,
  };
  relay.server.relay.publish('alerts', alert.market, alert);
  published.push(alert);
  return alert;
}

/** The page with every Web Audio oscillator start recorded (frequency) in `window.__beeps`. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __beeps: number[] };
    w.__beeps = [];
    const create = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function (this: BaseAudioContext) {
      const osc = create.call(this);
      const start = osc.start.bind(osc);
      osc.start = (when?: number) => {
        w.__beeps.push(osc.frequency.value);
        start(when);
      };
      return osc;
    };
  });
  await page.goto(`${base}${path}${path.includes('?') ? '&' : '?'}relay=${relay.url}`);
  return { page, errors };
}

const beeps = (page: Page) => page.evaluate(() => (window as unknown as { __beeps: number[] }).__beeps);
const toasts = (page: Page) => page.getByTestId('alert-toast');
/** A row of the dashboard's "Latest alerts" table, by the alert's rule and bucket. */
const listed = (page: Page, a: AlertRecord) =>
  page.locator(`[data-testid=alert-table] tr[data-alert-rule="${a.rule}"][data-alert-bucket="${a.bucket_ts}"]`);
const row = (page: Page, a: AlertRecord) =>
  page.locator(`[data-testid=market-table] tr[data-exchange="${a.exchange}"][data-market="${a.market}"]`);

describe('live alerts on the dashboard', () => {
  it('toasts, highlights and beeps for a live alert only, and remembers the choices across a reload', async () => {
    const before = publishAlert({ exchange: 'binance-usdm', market: BTC, tier: 3, rule: 'cvd_oi', direction: 'up' });
    const { page, errors } = await open('/');
    // The relay's snapshot brings the earlier alert: listed, not announced. The table and the
    // toasts render from the same batch, so no toast now means none for it.
    await listed(page, before).waitFor();
    expect(await toasts(page).count()).toBe(0);

    // Ticking sound for tier 2 is the click that lets the page start audio.
    await page.getByTestId('alert-settings').locator('summary').click();
    expect(await page.getByTestId('alert-settings-summary').innerText()).toBe('toasts from T1 · silent');
    await page.getByTestId('sound-tier-2').check();
    await expect.poll(() => page.getByTestId('alert-settings-summary').innerText()).toBe('toasts from T1 · sound T2');

    const live = publishAlert({
      exchange: 'bybit-linear',
      market: ETH,
      tier: 2,
      rule: 'confluence',
      direction: 'down',
    });
    const toast = toasts(page).first();
    await toast.waitFor();
    expect(await toasts(page).count()).toBe(1);
    expect(await toast.getAttribute('data-alert-market')).toBe(ETH);
    expect(await toast.getAttribute('data-alert-exchange')).toBe('bybit-linear');
    expect(await toast.getAttribute('data-alert-tier')).toBe('2');
    expect(await toast.getAttribute('aria-live')).toBe('assertive');
    const text = await toast.innerText();
    for (const part of [ETH, 'T2', 'confluence', '▼ down', '3.250 vs 2.500']) expect(text).toContain(part);
    await expect.poll(() => row(page, live).getAttribute('data-alert-highlight')).toBe('2');
    expect(await row(page, live).innerText()).toContain('new tier 2 alert');
    await expect.poll(() => beeps(page)).toEqual([toneFor(2).frequency]);
    // The pointer on the stack holds the toast, so what removes it next is Escape, not its timer.
    await toast.hover();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live-alert.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => toasts(page).count()).toBe(0);

    // Toast from tier 3 only; then a reload reads both choices back.
    await page.getByTestId('toast-min-tier').selectOption('3');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('alert-settings-summary').innerText())
      .toBe('toasts from T3 · sound T2 (needs a click)');
    expect(await page.getByTestId('sound-tier-2').isChecked()).toBe(true);
    expect(await page.getByTestId('toast-min-tier').inputValue()).toBe('3');
    await listed(page, live).waitFor();
    expect(await toasts(page).count()).toBe(0);

    // Tier 2 is under the toast threshold now, and its sound waits for a click since the reload.
    const quiet = publishAlert({ exchange: 'okx-swap', market: SOL, tier: 2, rule: 'confluence', direction: 'up' });
    await listed(page, quiet).waitFor();
    expect(await toasts(page).count()).toBe(0);
    expect(await beeps(page)).toEqual([]);
    const strong = publishAlert({ exchange: 'okx-swap', market: SOL, tier: 3, rule: 'cvd_oi', direction: 'up' });
    await toasts(page).first().waitFor();
    expect(await toasts(page).first().getAttribute('data-alert-tier')).toBe(String(strong.tier));
    await toasts(page).first().getByTestId('dismiss-toast').click();
    await expect.poll(() => toasts(page).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("marks the market's recorded alerts and each live one on its price chart", async () => {
    const chart = (page: Page) => page.locator('[data-chart=Price][data-ready=true]');
    const marked = async (page: Page) => Number((await chart(page).getAttribute('data-markers')) ?? 0);
    const offline = await browser.newPage();
    await offline.goto(`${base}/markets/btc-usdt-usdt/?relay=off`);
    await chart(offline).waitFor();
    const recorded = await marked(offline);
    expect(recorded).toBeGreaterThan(0);
    await offline.close();

    // One the relay holds before the page connects, then one while it is live.
    publishAlert({ exchange: 'binance-usdm', market: BTC, tier: 6, rule: 'cluster', direction: 'up' });
    const held = published.filter((a) => a.market === BTC).length;
    const { page, errors } = await open('/markets/btc-usdt-usdt/');
    await chart(page).waitFor();
    await expect.poll(() => marked(page)).toBe(recorded + held);
    publishAlert({ exchange: 'okx-swap', market: BTC, tier: 1, rule: 'z:cvd', direction: 'down' });
    await expect.poll(() => marked(page)).toBe(recorded + held + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'market-live-alert.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
