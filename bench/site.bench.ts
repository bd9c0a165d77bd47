/**
 * The static site (issue 6): JS bytes per page (gzip, what a first visit downloads before any
 * on-demand chunk), the dashboard against its 150 KB budget, time to first chart after opening
 * a ~50 MB recording in the replay page (headless Chromium), and Lighthouse performance for the
 * dashboard and a status report page when Lighthouse is installed.
 *
 * The site is built once per run into a temp folder; the 50 MB recording is made once per run
 * by the real simulator and collector at a high rate, then `futuresboard export`. Both are
 * shared with bench/replay-browser.bench.ts through `siteBenchKit()`.
 *
 *   npx tsx bench/site.bench.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runExport } from '../cli/export.ts';
import { buildSite, launchChromium, makeDocs, serveDir } from '../test/site/site-rig.ts';
import { lighthouseScores } from './lighthouse.ts';
import { recordLive } from './live-recording.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The bundled sample session: the build reads its newest segment, as it does without local data. */
const SAMPLE = join(ROOT, 'fixtures/sample-session');
const BUDGET_KB = 150;
/** ~135 bytes per simulated event in the exported file: this many make a ~50 MB recording. */
const BIG_EVENTS = 380_000;

export interface SiteBenchKit {
  dir: string;
  /** Base URL of the built site, served statically on 127.0.0.1. */
  base: string;
  dist: string;
  /** The ~50 MB recording (a journal_mode=DELETE export). */
  recording(): Promise<string>;
}

let kit: Promise<SiteBenchKit> | null = null;

/** One build and one big recording per process, whichever bench asks first. */
export function siteBenchKit(): Promise<SiteBenchKit> {
  kit ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-site-bench-'));
    const dist = join(dir, 'dist');
    makeDocs(join(dir, 'docs'));
    await buildSite(dist, {
      FUTURESBOARD_SITE_DB: SAMPLE,
      FUTURESBOARD_DOCS_DIR: join(dir, 'docs'),
      PUBLIC_RELAY_URL: 'off',
    });
    const { url, server } = await serveDir(dist);
    // Shared by the benches of one run: it must not keep the process alive, and goes with it.
    server.unref();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    let big: Promise<string> | null = null;
    return { dir, base: url, dist, recording: () => (big ??= makeBigRecording(dir)) };
  })();
  return kit;
}

/** Simulator → collector at ~30,000 events/s until BIG_EVENTS are committed, then exported for the browser. */
async function makeBigRecording(dir: string): Promise<string> {
  const db = await recordLive(dir, { rate: 30_000, events: BIG_EVENTS, name: 'big' });
  const out = join(dir, 'big.sqlite');
  await runExport(['--db', db, '--out', out], () => {});
  return out;
}

/** Relative module specifiers a chunk imports statically (dynamic import() is on-demand, not first-load). */
function staticImports(code: string): string[] {
  const re =
    /\b(?:import|export)\s*(?:\{[^}]*\}\s*from\s*|[\w$]+\s*(?:,\s*\{[^}]*\}\s*)?from\s*|\*\s*as\s*[\w$]+\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
  return [...code.matchAll(re)].map((m) => m[1]);
}

/** First-load JS of one page: inline scripts plus every module its islands load statically, gzip. */
export function pageJs(dist: string, htmlFile: string): { files: number; gzipBytes: number; rawBytes: number } {
  const html = readFileSync(htmlFile, 'utf8');
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const entries = [
    ...html.matchAll(/(?:component-url|renderer-url|before-hydration-url)="([^"]+)"/g),
    ...html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g),
  ].map((m) => join(dist, m[1].replace(/^\/+/, '')));
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) queue.push(resolve(dirname(file), spec));
  }
  let gzipBytes = inline ? gzipSync(inline).length : 0;
  let rawBytes = Buffer.byteLength(inline);
  for (const f of seen) {
    const code = readFileSync(f);
    rawBytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  return { files: seen.size, gzipBytes, rawBytes };
}

/** One representative HTML file per route of the built site. */
function pages(dist: string): [string, string][] {
  const pick = (rel: string) => join(dist, rel);
  const firstUnder = (folder: string) => {
    const sub = readdirSync(join(dist, folder), { withFileTypes: true }).find((d) => d.isDirectory());
    return sub ? `${folder}/${sub.name}/index.html` : `${folder}/index.html`;
  };
  const routes: [string, string][] = [
    ['dashboard', 'index.html'],
    ['market', firstUnder('markets')],
    ['alerts', 'alerts/index.html'],
    ['health', 'health/index.html'],
    ['replay', 'replay/index.html'],
    ['backtest', 'backtest/index.html'],
    ['status list', 'status/index.html'],
    ['status report', firstUnder('status')],
    ['docs', 'docs/index.html'],
  ];
  return routes.map(([name, rel]) => [name, pick(rel)]);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Time to first chart: pick the file, wait for the price chart to draw its first points. */
async function timeToFirstChart(base: string, recording: string): Promise<{ openedMs: number; chartMs: number }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${base}/replay/?maxmb=512`);
    await page.waitForLoadState('networkidle');
    const t0 = performance.now();
    await page.getByTestId('open-file').setInputFiles(recording);
    await page.waitForSelector('[data-testid=replay-controls]', { timeout: 120_000 });
    const openedMs = performance.now() - t0;
    await page.waitForSelector('[data-testid=chart][data-ready=true]', { timeout: 120_000 });
    return { openedMs, chartMs: performance.now() - t0 };
  } finally {
    await browser.close();
  }
}

export async function runSiteBench(): Promise<{ lines: string[] }> {
  const k = await siteBenchKit();
  const lines: string[] = [
    'First-load JS per page (inline scripts + island modules and their static imports; on-demand chunks such as charts and sql.js excluded), gzip -9:',
    '',
    '| page | modules | raw | gzip |',
    '|---|---|---|---|',
  ];
  let dashboard = 0;
  for (const [name, file] of pages(k.dist)) {
    const js = pageJs(k.dist, file);
    if (name === 'dashboard') dashboard = js.gzipBytes;
    lines.push(`| ${name} (${relative(k.dist, file)}) | ${js.files} | ${kb(js.rawBytes)} | ${kb(js.gzipBytes)} |`);
  }
  lines.push(
    '',
    `Dashboard first-load JS: ${kb(dashboard)} gzip (budget ${BUDGET_KB} KB) ${dashboard <= BUDGET_KB * 1024 ? 'ok' : 'OVER BUDGET'}`,
    '',
  );

  const recording = await k.recording();
  const mb = statSync(recording).size / 1048576;
  const { openedMs, chartMs } = await timeToFirstChart(k.base, recording);
  lines.push(
    `Replay page, ${mb.toFixed(1)} MB recording (simulator → collector → export) picked as a local file: opened (read + sql.js + summary) in ${openedMs.toFixed(0)} ms, first chart drawn at ${chartMs.toFixed(0)} ms.`,
    '',
  );

  const report = readdirSync(join(k.dist, 'status'), { withFileTypes: true }).find((d) => d.isDirectory());
  lines.push(
    ...(await lighthouseScores([
      ['dashboard', `${k.base}/`],
      ['status report', `${k.base}/status/${report?.name ?? ''}/`],
    ])),
  );
  return { lines };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { lines } = await runSiteBench();
  process.stdout.write(lines.join('\n') + '\n');
}
