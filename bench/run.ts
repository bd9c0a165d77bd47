/**
 * `npm run bench`: every benchmark, each measured side by side with its floor or peer in the
 * same run, printed and written to docs/benchmarks.md with the machine, the date and the command.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runIngestBench } from './ingest.bench.ts';
import { runMetricsBench } from './metrics.bench.ts';
import { runParseBench } from './parse.bench.ts';
import { runPublishedBench } from './published.bench.ts';
import { runRelayBench } from './relay.bench.ts';
import { runReplayBench } from './replay.bench.ts';
import { runReplayBrowserBench } from './replay-browser.bench.ts';
import { runScaleOutBench } from './scale-out.bench.ts';
import { runSimulatorBench } from './simulator.bench.ts';
import { runSiteBench } from './site.bench.ts';
import { runStorageBench } from './storage.bench.ts';

const SECTIONS: [string, () => Promise<{ lines: string[] }>][] = [
  ['Ingest (issue 2)', () => runIngestBench()],
  ['Parse stage vs tardis-dev (issue 2)', () => runParseBench()],
  ['Relay fan-out (issue 3)', () => runRelayBench()],
  ['Simulator frame generation', () => runSimulatorBench()],
  ['Metrics and alerts (issue 4)', () => runMetricsBench()],
  ['Replay and backtest in Node (issue 5)', () => runReplayBench()],
  ['Replay in the browser (issue 5)', () => runReplayBrowserBench()],
  ['Site (issue 6)', () => runSiteBench()],
  ['Recording store v2 (issue 13)', () => runStorageBench()],
  ['Published recordings (streaming replay)', () => runPublishedBench()],
  ['Scale-out on NATS JetStream (issue 15)', () => runScaleOutBench()],
];

const out: string[] = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. These machines are noisy, so every figure is a ratio to a ` +
    'floor or peer measured in the same run on the same input.',
  '',
];
for (const [title, run] of SECTIONS) {
  process.stderr.write(`bench: ${title}…\n`);
  const { lines } = await run();
  out.push(`## ${title}`, '', ...lines, '');
  process.stdout.write(`\n## ${title}\n${lines.join('\n')}\n`);
}
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), out.join('\n'));
process.stdout.write('\nwrote docs/benchmarks.md\n');
