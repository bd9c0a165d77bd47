/**
 * Lighthouse scores of built pages, for the site benches: each category's median of a few runs,
 * as a Markdown table with a verdict against the target. Lighthouse 12 (a devDependency: 13.x
 * needs Node ≥ 22.19) drives Debian's Chromium through chrome-launcher.
 */
import { CHROMIUM_FLAGS } from '../test/site/site-rig.ts';

export type LighthouseCategory = 'performance' | 'accessibility';

const RUNS = 3;
const TARGET = 95;

interface LighthouseResult {
  lhr: { categories: Partial<Record<LighthouseCategory, { score: number | null }>> };
}

const median = (xs: number[]): number | null =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null;

/** Scores (0–100) of each URL in each category, or a line saying why Lighthouse could not run here. */
export async function lighthouseScores(
  urls: [string, string][],
  categories: LighthouseCategory[] = ['performance'],
): Promise<string[]> {
  let lighthouse: (url: string, flags: object) => Promise<LighthouseResult | undefined>;
  let launch: (opts: object) => Promise<{ port: number; kill(): unknown }>;
  try {
    // Imported by a computed name: a clone installed without dev dependencies still runs the other benches.
    const [lh, cl] = ['lighthouse', 'chrome-launcher'];
    lighthouse = ((await import(lh)) as { default: typeof lighthouse }).default;
    launch = ((await import(cl)) as { launch: typeof launch }).launch;
  } catch {
    return ['Lighthouse: not installed, skipped (npm i -D lighthouse@12 to measure; 13.x needs Node ≥ 22.19).'];
  }
  const rows: string[] = [];
  const chrome = await launch({
    chromePath: '/usr/bin/chromium',
    chromeFlags: CHROMIUM_FLAGS,
  });
  try {
    for (const [name, url] of urls) {
      // One Lighthouse run swings by 10+ points on these machines (the same build scored 85 and
      // 96 minutes apart): the median of RUNS is the figure.
      const scores = new Map<LighthouseCategory, number[]>(categories.map((c) => [c, []]));
      for (let i = 0; i < RUNS; i++) {
        const result = await lighthouse(url, {
          port: chrome.port,
          onlyCategories: categories,
          output: 'json',
          logLevel: 'error',
        });
        for (const c of categories) {
          const score = result?.lhr.categories[c]?.score;
          if (typeof score === 'number') scores.get(c)?.push(Math.round(score * 100));
        }
      }
      const cells = categories.map((c) => {
        const runs = scores.get(c) ?? [];
        return { median: median(runs), runs };
      });
      const missed = categories.filter((_, i) => (cells[i].median ?? 0) < TARGET);
      rows.push(
        `| ${name} | ${cells.map((c) => `${c.median ?? 'n/a'} (${c.runs.join(', ')})`).join(' | ')} | ${
          missed.length ? `MISSED (${missed.join(', ')})` : 'ok'
        } |`,
      );
    }
  } finally {
    await chrome.kill();
  }
  return [
    `Lighthouse 12, median of ${RUNS} runs (runs in brackets; its default mobile emulation and simulated throttling; pages from a local static server; target ≥ ${TARGET}):`,
    '',
    `| page | ${categories.join(' | ')} | target |`,
    `|---|${categories.map(() => '---|').join('')}---|`,
    ...rows,
  ];
}
