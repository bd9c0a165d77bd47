/**
 * The site under test: built once into a temp folder from a real recording (the bundled sample,
 * real captures imported by the real importer with metrics and alerts: fixtures/make-sample-recording.sh)
 * and a docs tree that includes a hostile status report, served by a tiny static server on
 * 127.0.0.1 port 0, driven by Debian's Chromium.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { captureIo } from '../helpers/capture-io.ts';
import { chromium, type Browser } from 'playwright-core';
import { runReplay } from '../../cli/replay.ts';
import { createStaticHandler } from '../../collector/site/static-files.ts';

const ROOT = resolve('.');

/** A status report trying every usual way to run script through Markdown. */
export const HOSTILE_REPORT = `---
title: "Status report 2099-01-01 00:00 UTC"
generated: "2099-01-01T00:00:00.000Z"
status: "ok"
summary: "hostile <script>window.__pwned = 1</script> summary"
---
# Hostile report

<script>window.__pwned = 2</script>
<img src="x" onerror="window.__pwned = 3">
[click](javascript:window.__pwned=4)
<iframe src="javascript:window.__pwned=5"></iframe>
<a href="#" onclick="window.__pwned = 6">plain link</a>

Normal **bold** text survives.
`;

/**
 * The recording the site is built from: a copy of the bundled sample, so the site tests need
 * nothing outside the repository (the captures it was imported from live in ../shared).
 */
export async function makeRecording(path: string): Promise<void> {
  copyFileSync(join(ROOT, 'public/recordings/sample.sqlite'), path);
}

export function makeDocs(dir: string): void {
  mkdirSync(join(dir, 'status'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'docs')))
    if (f.endsWith('.md')) copyFileSync(join(ROOT, 'docs', f), join(dir, f));
  writeFileSync(join(dir, 'status', 'status_report-2099-01-01T00-00-00Z.md'), HOSTILE_REPORT);
  writeFileSync(
    join(dir, 'status', 'status_report-2098-01-01T00-00-00Z.md'),
    '---\ntitle: "Status report 2098-01-01 00:00 UTC"\ngenerated: "2098-01-01T00:00:00.000Z"\nstatus: "degraded"\nsummary: "older report"\n---\n# Older\n',
  );
}

/**
 * This process's environment without what Vitest adds for its own Vite (BASE_URL, MODE, DEV,
 * PROD, SSR): a child Astro build would take BASE_URL=/ over FUTURESBOARD_BASE.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const { BASE_URL: _b, MODE: _m, DEV: _d, PROD: _p, SSR: _s, ...rest } = process.env;
  return rest;
}

export function buildSite(outDir: string, env: Record<string, string>): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/astro.js'), 'build', '--outDir', outDir], {
      cwd: ROOT,
      env: { ...buildEnv(), ASTRO_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-4000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-4000)));
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`astro build failed (${code}):\n${out}`))));
  });
}

export async function serveDir(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer(createStaticHandler(dir));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

/** Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export { captureIo };

/** The natural key of an alert as the site's tables expose it (data-alert-* attributes). */
export interface AlertKey {
  exchange: string;
  market: string;
  tier: number;
  rule: string;
  direction: string;
  bucket_ts: number;
}

export const alertKeyText = (a: AlertKey): string =>
  `${a.exchange} ${a.market} T${a.tier} ${a.rule} ${a.direction} @${a.bucket_ts}`;

/**
 * `futuresboard replay --alerts` on a recording (`['--db', file]` or `['--recordings', dir]`, and
 * any window): the alerts Node computes, as sorted keys.
 */
export async function nodeReplayAlerts(recording: string[]): Promise<string[]> {
  const io = captureIo();
  if ((await runReplay([...recording, '--alerts'], io)) !== 0)
    throw new Error(`replay --alerts failed: ${io.stderr.text()}`);
  return io.stdout
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => alertKeyText(JSON.parse(line) as AlertKey))
    .sort();
}
