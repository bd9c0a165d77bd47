/**
 * The screenshots in docs/screenshots/, made from the bundled sample session: the site is built
 * as a fresh clone builds it (the sample published as `sample`, the pages built from it), served
 * on 127.0.0.1, and headless Chromium saves
 *
 * - recordings.png: the recordings page;
 * - replay-markers.png: the replay of the sample played to its end on the market with the most
 *   alerts, alert markers (by tier) and gap markers on the price chart.
 *
 *   npx tsx bench/screenshots.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReplay } from '../cli/replay.ts';
import { buildSite, captureIo, launchChromium, serveDir } from '../test/site/site-rig.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SAMPLE = join(ROOT, 'fixtures/sample-session');
const OUT = join(ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1280, height: 900 };

/** The sample's market with the most alerts, as `futuresboard replay --alerts` computes them. */
async function busiestMarket(): Promise<string> {
  const io = captureIo();
  if ((await runReplay(['--recordings', SAMPLE, '--alerts'], io)) !== 0)
    throw new Error(`replay --alerts failed: ${io.stderr.text()}`);
  const counts = new Map<string, number>();
  for (const line of io.stdout.text().split('\n').filter(Boolean)) {
    const { market } = JSON.parse(line) as { market: string };
    counts.set(market, (counts.get(market) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!best) throw new Error(`the sample session at ${SAMPLE} has no alerts`);
  return best[0];
}

const dir = mkdtempSync(join(tmpdir(), 'fb-screenshots-'));
try {
  // An empty store folder and no site.publish: only the bundled sample is published, whatever
  // this checkout has recorded in data/.
  const config = join(dir, 'futuresboard.config.json');
  writeFileSync(config, JSON.stringify({ store: { dir: join(dir, 'none') } }));
  const dist = join(dir, 'dist');
  await buildSite(dist, { FUTURESBOARD_CONFIG: config, FUTURESBOARD_SITE_DB: SAMPLE, PUBLIC_RELAY_URL: 'off' });
  const { url, server } = await serveDir(dist);
  const market = await busiestMarket();
  const browser = await launchChromium();
  try {
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${url}/recordings/`);
    await page.getByTestId('recordings-list').waitFor();
    await page.screenshot({ path: join(OUT, 'recordings.png') });

    await page.goto(`${url}/replay/?session=sample&market=${encodeURIComponent(market)}&speed=max&autoplay=1`);
    const root = page.locator('[data-replay-state]').first();
    await page.waitForFunction(
      () => document.querySelector('[data-replay-state]')?.getAttribute('data-replay-state') === 'ended',
      null,
      { timeout: 120_000 },
    );
    // While playing, the chart follows the newest points; choosing the market again redraws it
    // fitted to the whole session.
    const picker = page.getByLabel('Chart market');
    const other = (await picker.locator('option').allTextContents()).find((m) => m !== market);
    if (other) await picker.selectOption(other);
    await picker.selectOption(market);
    await page.waitForSelector('[data-testid=chart][data-ready=true]');
    // The controls and the price chart with its markers, in one frame.
    const top = await page.getByTestId('replay-controls').boundingBox();
    const chart = await page.locator('[data-testid=chart]').boundingBox();
    if (!top || !chart) throw new Error('the replay page shows no controls or chart');
    const y = Math.max(0, top.y - 12);
    await page.screenshot({
      path: join(OUT, 'replay-markers.png'),
      fullPage: true,
      clip: { x: 0, y, width: VIEWPORT.width, height: Math.min(VIEWPORT.height, chart.y + chart.height + 24 - y) },
    });
    const events = await root.getAttribute('data-events');
    for (const f of ['recordings.png', 'replay-markers.png'])
      process.stdout.write(`wrote docs/screenshots/${f} (${(statSync(join(OUT, f)).size / 1024).toFixed(0)} KB)\n`);
    process.stdout.write(`replay: session sample, market ${market}, ${events} events played\n`);
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
