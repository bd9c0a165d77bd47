/**
 * `futuresboard publish --out <dir>`: what `npm run build` does for `dist/recordings/`, without
 * building the site: the sessions config `site.publish` picks, copied under content-hashed names
 * with their manifest (collector/publish/). Prints one line per session and the totals.
 */
import { loadConfig } from '../collector/config.ts';
import { planFromConfig, summaryLine, writePublished } from '../collector/publish/publish.ts';
import type { PublishedSession } from '../core/published.ts';
import { FbError } from '../core/errors.ts';
import { fmtBytes, fmtDuration, fmtInt } from '../continuity/format.ts';
import { parseCommand, type CommandSpec } from './kit.ts';
import { recordingsDir } from './recordings.ts';

type Out = (line: string) => void;

const SPEC: CommandSpec = {
  usage: 'futuresboard publish --out <dir> [--config <file>] [--recordings <dir>] [--json]',
  summary:
    'Copy the recordings config site.publish picks (pinned sessions, the recent window, the bundled sample) into ' +
    '<dir> under content-hashed names, then write <dir>/manifest.json; segment files no session references any ' +
    'more are removed. `npm run build` does the same into dist/recordings/.',
  options: {
    out: { type: 'string', placeholder: 'dir', description: 'folder to publish into, e.g. dist/recordings (required)' },
    config: {
      type: 'string',
      placeholder: 'file',
      description: 'config with site.publish and store.dir (default: FUTURESBOARD_CONFIG or futuresboard.config.json)',
    },
    recordings: {
      type: 'string',
      placeholder: 'dir',
      description: 'recordings folder holding catalog.json, instead of store.dir (default: data/recordings)',
    },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
};

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const plural = (n: number, word: string) => `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;

const sessionLine = (s: PublishedSession) =>
  [
    s.name,
    `${iso(s.from)} → ${iso(s.to)} (${fmtDuration(s.to - s.from)})`,
    plural(s.segments.length, 'segment'),
    plural(s.events, 'event'),
    fmtBytes(s.bytes),
    plural(s.markets.length, 'market'),
    plural(s.gaps, 'gap'),
  ].join('  ');

export async function runPublish(
  argv: string[],
  out: Out = (s) => void process.stdout.write(s + '\n'),
  warn: Out = (s) => void process.stderr.write(s + '\n'),
): Promise<number> {
  const args = parseCommand(argv, SPEC, out);
  if (!args) return 0;
  const dir = args.values.out;
  if (typeof dir !== 'string' || dir === '')
    throw new FbError('E_USAGE', '--out <dir> is required: the folder to publish into, e.g. dist/recordings');
  const recordings = args.values.recordings === undefined ? undefined : recordingsDir(args.values);
  const config = loadConfig({ path: args.values.config as string | undefined });
  const plan = planFromConfig(config, { recordings });
  for (const note of plan.notes) warn(`note: ${note}`);
  const result = await writePublished(plan, dir, Date.now());
  if (args.values.json) {
    out(JSON.stringify({ out: dir, ...result, notes: plan.notes }, null, 2));
    return 0;
  }
  for (const s of result.manifest.sessions) out(sessionLine(s));
  out(
    `${summaryLine(result.manifest, dir)}: ${result.copied} copied, ${result.kept} already there, ` +
      `${result.removed.length} stale removed`,
  );
  return 0;
}
