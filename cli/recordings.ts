/**
 * `futuresboard recordings list|verify|prune|pin|unpin`: look after a recordings folder (the
 * collector's store.dir). Every change goes through updateCatalog, under the catalog's lock,
 * because the collector may be closing a segment or applying retention at the same moment.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, PinnedSession, SegmentEntry } from '../core/catalog.ts';
import { FbError } from '../core/errors.ts';
import { loadConfig } from '../collector/config.ts';
import { parseBytes, parseDuration } from '../collector/config/sizes.ts';
import { openEntriesBytes } from '../collector/store/segments/disk.ts';
import { overlapsPin, planRetention } from '../collector/store/segments/retention.ts';
import { verifyRecordings } from '../collector/store/segments/verify.ts';
import { fmtBytes, fmtInt } from '../continuity/format.ts';
import { hasCatalog, readCatalog, updateCatalog } from '../replay/adapters/catalog-file.ts';
import { parseCommand, subcommand, type CommandSpec, type OptionSpec } from './kit.ts';
import { timeOption } from './replay-options.ts';

type Out = (line: string) => void;
const stdout: Out = (s) => void process.stdout.write(s + '\n');

const RECORDINGS: OptionSpec = {
  type: 'string',
  placeholder: 'dir',
  description: "recordings folder: the collector's store.dir, holding catalog.json (required)",
};
const JSON_OUT: OptionSpec = { type: 'boolean', description: 'print JSON instead of text' };

const LIST: CommandSpec = {
  usage: 'futuresboard recordings list --recordings <dir> [--json]',
  summary: 'One line per segment (UTC period, state, events, size, markets), the totals, and the pinned sessions.',
  options: { recordings: RECORDINGS, json: JSON_OUT },
};

const VERIFY: CommandSpec = {
  usage: 'futuresboard recordings verify --recordings <dir> [--json]',
  summary:
    'Check every closed segment against the catalog (present, size, sha256, gunzip, SQLite integrity, seq range and ' +
    'event count) and look for segment files the catalog does not list. Exits 1 with one line per problem.',
  options: { recordings: RECORDINGS, json: JSON_OUT },
};

const PRUNE: CommandSpec = {
  usage:
    'futuresboard recordings prune --recordings <dir> [--config <file>] [--max-age <duration>] [--max-bytes <size>] [--dry-run] [--json]',
  summary:
    'Apply retention now: delete the oldest closed segments that are older than max-age, then more while the folder ' +
    'holds more than max-bytes. Pinned sessions and the hot database are never deleted.',
  options: {
    recordings: RECORDINGS,
    config: {
      type: 'string',
      placeholder: 'file',
      description:
        'take store.retain from this config (default: futuresboard.config.json when present, else 14d and 50GB)',
    },
    'max-age': { type: 'string', placeholder: 'duration', description: 'instead of store.retain.maxAge, e.g. 14d' },
    'max-bytes': { type: 'string', placeholder: 'size', description: 'instead of store.retain.maxBytes, e.g. 50GB' },
    'dry-run': { type: 'boolean', description: 'list what would be deleted, delete nothing' },
    json: JSON_OUT,
  },
};

const PIN: CommandSpec = {
  usage: 'futuresboard recordings pin <name> --recordings <dir> --from <time> --to <time> [--json]',
  summary:
    'Keep the segments overlapping [from, to) from retention, under a name (letters, digits, ".", "_", "-"). ' +
    'A period not yet recorded can be pinned ahead.',
  positionals: true,
  options: {
    recordings: RECORDINGS,
    from: {
      type: 'string',
      placeholder: 'time',
      description: 'start, inclusive: ISO time with zone (2026-12-02T05:00:00Z) or epoch ms',
    },
    to: { type: 'string', placeholder: 'time', description: 'end, exclusive (same forms as --from)' },
    json: JSON_OUT,
  },
};

const UNPIN: CommandSpec = {
  usage: 'futuresboard recordings unpin <name> --recordings <dir> [--json]',
  summary: 'Remove a pinned session: its segments are subject to retention again.',
  positionals: true,
  options: { recordings: RECORDINGS, json: JSON_OUT },
};

type Values = NonNullable<ReturnType<typeof parseCommand>>['values'];

/** --recordings: a folder holding a catalog (a usage error otherwise). */
export function recordingsDir(values: Values): string {
  const dir = values.recordings;
  if (typeof dir !== 'string' || dir === '')
    throw new FbError('E_USAGE', "--recordings <dir> is required: the recordings folder (the collector's store.dir)");
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new FbError('E_USAGE', `--recordings ${dir}: no such folder`);
  if (!hasCatalog(dir))
    throw new FbError(
      'E_USAGE',
      `--recordings ${dir}: no catalog.json in this folder; give the folder config store.dir names (the collector writes the catalog there)`,
    );
  return dir;
}

/** The one <name> a pin or unpin needs. */
function pinName(positionals: string[], command: string): string {
  if (positionals.length !== 1)
    throw new FbError('E_USAGE', `recordings ${command} needs exactly one <name> (see --help)`);
  const name = positionals[0];
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new FbError('E_USAGE', `pin name ${JSON.stringify(name)}: use only letters, digits, ".", "_" and "-"`);
  return name;
}

const plural = (n: number, word: string) => `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const stateOf = (s: SegmentEntry, c: Catalog) => (s.open ? 'open' : overlapsPin(s, c.pins) ? 'pinned' : 'closed');

function listLines(c: Catalog): string[] {
  const rows = c.segments.map((s) => [
    `${iso(s.from)} → ${iso(s.to)}`,
    stateOf(s, c),
    plural(s.events, 'event'),
    fmtBytes(s.bytes),
    plural(s.markets.length, 'market'),
    s.file,
  ]);
  const widths = rows.reduce((w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [] as number[]);
  // Numbers right-aligned, words left.
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const closed = c.segments.filter((s) => !s.open);
  const sum = (list: SegmentEntry[], f: (s: SegmentEntry) => number) => list.reduce((n, s) => n + f(s), 0);
  lines.push(
    `total: ${plural(c.segments.length, 'segment')} (${closed.length} closed, ${c.segments.length - closed.length} open), ` +
      `${plural(
        sum(c.segments, (s) => s.events),
        'event',
      )}, ${fmtBytes(sum(closed, (s) => s.bytes))} closed` +
      (c.segments.length
        ? `, ${iso(Math.min(...c.segments.map((s) => s.from)))} → ${iso(Math.max(...c.segments.map((s) => s.to)))}`
        : ''),
  );
  if (!c.pins.length) lines.push('pins: none');
  for (const p of c.pins) lines.push(`pin ${p.name}: ${iso(p.from)} → ${iso(p.to)} (pinned ${iso(p.pinned_ts)})`);
  return lines;
}

function list(argv: string[], out: Out): number {
  const args = parseCommand(argv, LIST, out);
  if (!args) return 0;
  const catalog = readCatalog(recordingsDir(args.values));
  if (args.values.json) out(JSON.stringify(catalog, null, 2));
  else for (const line of listLines(catalog)) out(line);
  return 0;
}

async function verify(argv: string[], out: Out): Promise<number> {
  const args = parseCommand(argv, VERIFY, out);
  if (!args) return 0;
  const dir = recordingsDir(args.values);
  const { checked, problems } = await verifyRecordings(dir, readCatalog(dir));
  if (args.values.json) out(JSON.stringify({ dir, checked, ok: problems.length === 0, problems }, null, 2));
  else {
    for (const p of problems) out(`${p.file}: ${p.problem}`);
    out(
      problems.length
        ? `verify: ${problems.length} problem(s); ${checked} closed segments checked`
        : `verify: OK, ${checked} closed segments match the catalog (size, sha256, gzip, integrity, seq range, events); no orphan files`,
    );
  }
  return problems.length ? 1 : 0;
}

/** The retention limits: --max-age / --max-bytes, else the config's store.retain. */
function pruneLimits(values: Values): { maxAgeMs: number | null; maxBytes: number | null } {
  const { retain } = loadConfig({ path: values.config as string | undefined }).store;
  const age = values['max-age'];
  const bytes = values['max-bytes'];
  return {
    maxAgeMs: typeof age === 'string' ? parseDuration(age, '--max-age') : retain.maxAge,
    maxBytes: typeof bytes === 'string' ? parseBytes(bytes, '--max-bytes') : retain.maxBytes,
  };
}

function prune(argv: string[], out: Out): number {
  const args = parseCommand(argv, PRUNE, out);
  if (!args) return 0;
  const dir = recordingsDir(args.values);
  const limits = pruneLimits(args.values);
  const plan = (c: Catalog) => planRetention(c, { ...limits, now: Date.now(), hotBytes: openEntriesBytes(dir, c) });
  let doomed: SegmentEntry[];
  const dryRun = args.values['dry-run'] === true;
  if (dryRun) doomed = plan(readCatalog(dir));
  else {
    doomed = [];
    // Catalog first, then files: a crash in between leaves orphan files (verify lists them), never
    // a catalog entry whose file is gone.
    updateCatalog(dir, (c) => {
      doomed = plan(c);
      return { ...c, segments: c.segments.filter((s) => !doomed.includes(s)) };
    });
    for (const s of doomed) rmSync(join(dir, s.file), { force: true });
  }
  const bytes = doomed.reduce((n, s) => n + s.bytes, 0);
  if (args.values.json) out(JSON.stringify({ dryRun, deleted: doomed, bytes }, null, 2));
  else {
    for (const s of doomed)
      out(`${dryRun ? 'would delete' : 'deleted'} ${s.file} (${iso(s.from)} → ${iso(s.to)}, ${fmtBytes(s.bytes)})`);
    out(`prune: ${dryRun ? 'would delete' : 'deleted'} ${plural(doomed.length, 'segment')}, ${fmtBytes(bytes)}`);
  }
  return 0;
}

function pin(argv: string[], out: Out): number {
  const args = parseCommand(argv, PIN, out);
  if (!args) return 0;
  const name = pinName(args.positionals, 'pin');
  const dir = recordingsDir(args.values);
  const from = timeOption(args.values, 'from');
  const to = timeOption(args.values, 'to');
  if (from === undefined || to === undefined)
    throw new FbError('E_USAGE', 'recordings pin needs --from <time> and --to <time>: the period to keep');
  if (from >= to) throw new FbError('E_USAGE', '--from must be before --to (the period is [from, to))');
  const added: PinnedSession = { name, from, to, pinned_ts: Date.now() };
  updateCatalog(dir, (c) => {
    if (c.pins.some((p) => p.name === name))
      throw new FbError('E_USAGE', `a pin named ${name} exists; unpin it first or choose another name`);
    return { ...c, pins: [...c.pins, added] };
  });
  if (args.values.json) out(JSON.stringify(added, null, 2));
  else out(`pinned ${name}: ${iso(from)} → ${iso(to)}; retention keeps the segments overlapping it`);
  return 0;
}

function unpin(argv: string[], out: Out): number {
  const args = parseCommand(argv, UNPIN, out);
  if (!args) return 0;
  const name = pinName(args.positionals, 'unpin');
  const dir = recordingsDir(args.values);
  let removed: PinnedSession | undefined;
  updateCatalog(dir, (c) => {
    removed = c.pins.find((p) => p.name === name);
    if (!removed)
      throw new FbError('E_USAGE', `no pin named ${name} in ${dir}; \`futuresboard recordings list\` shows the pins`);
    return { ...c, pins: c.pins.filter((p) => p !== removed) };
  });
  if (args.values.json) out(JSON.stringify(removed, null, 2));
  else out(`unpinned ${name}; its segments are subject to retention again`);
  return 0;
}

/** `futuresboard recordings <list|verify|prune|pin|unpin>`; returns the exit code. */
export async function runRecordings(argv: string[], out: Out = stdout): Promise<number> {
  const picked = subcommand(
    argv,
    'recordings',
    { list: LIST, verify: VERIFY, prune: PRUNE, pin: PIN, unpin: UNPIN },
    out,
  );
  if (!picked) return 0;
  const [sub, rest] = picked;
  if (sub === 'verify') return verify(rest, out);
  return { list, prune, pin, unpin }[sub as 'list' | 'prune' | 'pin' | 'unpin'](rest, out);
}
