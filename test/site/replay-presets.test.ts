/**
 * The browser replay computes alerts in the same core as the collector and Node replay, under
 * the model the recording was made with (docs/quant-blueprint.md, "Presets" and "User-defined
 * rules"): a recordings folder written by `futuresboard simulate --write` under the seed preset
 * with a user rule holds `user:<name>` alerts and tier-6 clusters; `futuresboard replay --alerts`
 * computes them again; and the replay page, given the folder from disk, lists exactly those.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulate } from '../../cli/simulate.ts';
import { tempDir } from '../helpers/tmp.ts';
import {
  alertKeyText,
  captureIo,
  launchChromium,
  nodeReplayAlerts,
  recordedAlerts,
  replayState,
  serveSampleSite,
  shownAlerts,
} from './site-rig.ts';

/**
 * The seed preset on 2 s buckets with a short warm-up and z window, so six virtual minutes alert.
 * The user rule fires on a bucket with a trade after one without (`trade.notional` is 0 then),
 * which the synthetic market is sure to have; at tier 2 its alerts feed the seed's tier-6
 * clusters, and its 1-minute cooldown keeps the session under the 200 alerts the page's table
 * lists, so the whole list can be compared.
 */
const CONFIG = {
  metrics: {
    preset: 'seed',
    bucketMs: 2000,
    warmupBuckets: 10,
    zWindowBuckets: 30,
    zMinSamples: 5,
    alerts: {
      rules: [{ name: 'any-trade', series: 'trade.notional', op: '>=', threshold: 1, tier: 2, cooldownMs: 60_000 }],
    },
  },
};
const TABLE_ROWS = 200;

const dir = tempDir('fb-replay-presets-');
const rec = join(dir, 'rec');
let base = '';
let server: Server;
let browser: Browser;

/** Six virtual minutes of BTC and ETH on the three exchanges, in 1-minute segments. */
async function record(): Promise<void> {
  const config = join(dir, 'metrics.config.json');
  writeFileSync(config, JSON.stringify(CONFIG));
  const args = ['--write', rec, '--hours', '0.1', '--segment', '1m', '--rate', '40', '--markets', 'BTC,ETH'];
  const io = captureIo();
  if ((await runSimulate([...args, '--config', config], { out: () => {}, err: io.stderr })) !== 0)
    throw new Error(`simulate --write failed: ${io.stderr.text()}`);
}

beforeAll(async () => {
  const site = serveSampleSite(join(dir, 'site'));
  await record();
  ({ url: base, server } = await site);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('replay under the seed preset with a user rule', () => {
  it('the recording holds user-rule alerts and tier-6 clusters, and Node replay computes the same', async () => {
    const recorded = recordedAlerts(rec);
    expect(recorded.filter((a) => a.includes(' T2 user:any-trade ')).length).toBeGreaterThan(0);
    expect(recorded.filter((a) => a.includes(' T6 cluster ')).length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThanOrEqual(TABLE_ROWS);
    expect(await nodeReplayAlerts(['--recordings', rec])).toEqual(recorded);
  });

  it('the replay page, given the folder, lists exactly the alerts Node replays', async () => {
    const expected = await nodeReplayAlerts(['--recordings', rec]);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/replay/?speed=max`);
    await page.getByTestId('open-folder').setInputFiles(rec);
    await expect.poll(() => replayState(page)).toBe('ended');
    expect(await page.getByTestId('replay-alert-count').innerText()).toBe(String(expected.length));
    const shown = await shownAlerts(page);
    expect(shown.map(alertKeyText).sort()).toEqual(expected);
    expect(shown.map((a) => a.rule)).toEqual(expect.arrayContaining(['user:any-trade', 'cluster']));
    expect(errors).toEqual([]);
    await page.close();
  });
});
