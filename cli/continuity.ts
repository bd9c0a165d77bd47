/**
 * `futuresboard continuity <snapshot|report|sync|phase|watch>`: the entry the main CLI
 * dispatches to. Every line printed goes through the redactor first.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exitCodeFor, FbError, hasErrorCode } from '../core/errors.ts';
import { numberOption, parseCommand, type CommandSpec, type OptionSpec, type Parsed } from './kit.ts';
import { loadConfig, type Config } from '../collector/config.ts';
import { FileCheckpoint } from '../continuity/checkpoint.ts';
import { parseDuration } from '../continuity/duration.ts';
import { publish } from '../continuity/git-publish.ts';
import { openGitRepo, repoRoot } from '../continuity/git-repo.ts';
import { PHASE_PATH, STATE_PATH, WATCH_LOG_PATH } from '../continuity/paths.ts';
import { addPhase, formatPhases, readPhases, writePhases } from '../continuity/phase.ts';
import { DEFAULT_THRESHOLDS, recommend, type Thresholds } from '../continuity/recommendations.ts';
import { createRedactor, type Redact } from '../continuity/redact.ts';
import { loadTemplate, nextReportPath, renderReport, summaryLine, writeReport } from '../continuity/report.ts';
import { takeSnapshot } from '../continuity/snapshot.ts';
import { readState, writeState } from '../continuity/state.ts';
import { sync } from '../continuity/sync.ts';
import { createNotifier } from '../continuity/notifier.ts';
import { healthTargets, targetTokens } from '../continuity/targets.ts';
import { DEFAULT_HISTORY } from '../continuity/uptime.ts';
import { watch } from '../continuity/watch.ts';

export interface ContinuityIo {
  out?: (line: string) => void;
  err?: (line: string) => void;
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Stops `watch`; by default SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

const DEFAULT_ATTEMPTS = 3;

const opt = {
  repo: { type: 'string', placeholder: 'dir', description: 'repository root to work in (default: current directory)' },
  config: {
    type: 'string',
    placeholder: 'file',
    description: 'config file (default: futuresboard.config.json in the repository)',
  },
  history: {
    type: 'string',
    placeholder: 'n',
    description: `snapshots kept for the uptime figure (default: ${DEFAULT_HISTORY})`,
  },
  staleMinutes: {
    type: 'string',
    placeholder: 'min',
    description: `recommend action for a feed without data this long (default: ${DEFAULT_THRESHOLDS.staleMinutes})`,
  },
  attempts: {
    type: 'string',
    placeholder: 'n',
    description: `push attempts when the remote moved ahead (default: ${DEFAULT_ATTEMPTS})`,
  },
} satisfies Record<string, OptionSpec>;

const SPECS = {
  snapshot: {
    usage: 'futuresboard continuity snapshot [--repo <dir>]',
    summary: `Record the system's health (collector /health or each of continuity.targets, database rows, gaps, disk, file hashes, phase) in ${STATE_PATH}.`,
    options: { repo: opt.repo, config: opt.config, history: opt.history },
  },
  report: {
    usage: 'futuresboard continuity report [--repo <dir>]',
    summary:
      'Write docs/status/status_report-<UTC time>.md from the latest snapshot and docs/status_report_template.md.',
    options: { repo: opt.repo, config: opt.config, 'stale-minutes': opt.staleMinutes },
  },
  sync: {
    usage: 'futuresboard continuity sync [--repo <dir>]',
    summary: 'Snapshot, report, commit exactly those files, and push when a remote is configured (never forced).',
    options: {
      repo: opt.repo,
      config: opt.config,
      history: opt.history,
      'stale-minutes': opt.staleMinutes,
      attempts: opt.attempts,
    },
  },
  'phase set': {
    usage: 'futuresboard continuity phase set <tag> "<note>" [--repo <dir>]',
    summary: `Start a new phase: append it to ${PHASE_PATH}, commit that file, push when a remote is configured.`,
    options: { repo: opt.repo, attempts: opt.attempts },
    positionals: true,
  },
  'phase show': {
    usage: 'futuresboard continuity phase show [--repo <dir>]',
    summary: `Print the current phase and the history in ${PHASE_PATH}.`,
    options: { repo: opt.repo },
  },
  watch: {
    usage: 'futuresboard continuity watch --every 5m [--sync-every 1h] [--notify]',
    summary: `Poll the collector's /health (each of continuity.targets), log each state change to ${WATCH_LOG_PATH}, optionally sync on a schedule and post each change to the configured webhooks; stops on Ctrl-C or SIGTERM.`,
    options: {
      repo: opt.repo,
      config: opt.config,
      every: { type: 'string', placeholder: 'duration', description: 'poll interval: 30s, 5m, 1h', default: '5m' },
      'sync-every': {
        type: 'string',
        placeholder: 'duration',
        description: 'also run sync this often (default: never)',
      },
      log: { type: 'string', placeholder: 'file', description: `transitions log (default: ${WATCH_LOG_PATH})` },
      notify: {
        type: 'boolean',
        description:
          'also post each transition to the webhooks in the config (those whose events include "health"; all by default), in the background; the first observation only when it is not ok',
      },
      'notify-grace': {
        type: 'string',
        placeholder: 'duration',
        description: 'on stop, how long undelivered notifications may still take',
        default: '5s',
      },
      history: opt.history,
      'stale-minutes': opt.staleMinutes,
      attempts: opt.attempts,
    },
  },
} satisfies Record<string, CommandSpec>;

const USAGE = [
  'Usage: futuresboard continuity <command>',
  '',
  'Commands:',
  ...Object.entries(SPECS).map(([name, s]) => `  ${name.padEnd(12)} ${s.summary}`),
  '',
  'Run `futuresboard continuity <command> --help` for its options.',
].join('\n');

interface Context {
  io: Required<Omit<ContinuityIo, 'signal'>> & { signal?: AbortSignal };
  values: Parsed['values'];
  positionals: string[];
  root: string;
  redact: Redact;
  say: (line: string) => void;
}

export async function runContinuity(argv: string[], io: ContinuityIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const full: Context['io'] = {
    out: io.out ?? ((s) => process.stdout.write(s + '\n')),
    err: io.err ?? ((s) => process.stderr.write(s + '\n')),
    env,
    now: io.now ?? Date.now,
    signal: io.signal,
  };
  // Secrets known so far; the daemon's token joins once the config is read.
  const secrets: (string | null)[] = [];
  const redact: Redact = (text) => createRedactor(env, secrets)(text);
  const [first, second] = argv;
  const name = first === 'phase' && (second === 'set' || second === 'show') ? `phase ${second}` : first;
  try {
    if (first === undefined) {
      full.err(USAGE);
      return 2;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      full.out(USAGE);
      return 0;
    }
    if (first === 'phase' && (second === '--help' || second === '-h')) {
      full.out(
        'Usage: futuresboard continuity phase set <tag> "<note>" | phase show\n\nRecord a phase change in docs/phase.json (committed), or print the phase history. `phase set --help` and `phase show --help` list their options.',
      );
      return 0;
    }
    if (!Object.hasOwn(SPECS, name))
      throw new FbError(
        'E_USAGE',
        first === 'phase'
          ? 'usage: futuresboard continuity phase set <tag> "<note>" | phase show'
          : `unknown continuity command ${JSON.stringify(first)}; one of: snapshot, report, sync, phase, watch`,
      );
    const spec: CommandSpec = SPECS[name as keyof typeof SPECS];
    const parsed = parseCommand(argv.slice(name.split(' ').length), spec, full.out);
    if (!parsed) return 0;
    const dir = resolve(String(parsed.values.repo ?? '.'));
    if (!existsSync(dir)) throw new FbError('E_USAGE', `--repo ${dir}: no such directory`);
    const root = await repoRoot(dir);
    const say = (line: string) => full.out(redact(line));
    const ctx: Context = { io: full, values: parsed.values, positionals: parsed.positionals, root, redact, say };
    if (name === 'phase show') return phaseShow(ctx);
    if (name === 'phase set') return await phaseSet(ctx);
    const configPath = parsed.values.config === undefined ? undefined : resolve(String(parsed.values.config));
    const config = loadConfig({ cwd: root, env, path: configPath });
    // The daemon's token and the targets' are secrets even when they come from the config file.
    secrets.push(config.http.token, ...targetTokens(config));
    if (name === 'snapshot') return await snapshotCommand(ctx, config);
    if (name === 'report') return reportCommand(ctx, config);
    if (name === 'sync') return await syncCommand(ctx, config);
    return await watchCommand(ctx, config);
  } catch (err) {
    // Usage and config mistakes read like the main CLI's; any other documented error names its code.
    if (hasErrorCode(err) && exitCodeFor(err.code) === 2) {
      full.err(redact(`continuity ${name ?? ''}: ${err.message}`));
      return 2;
    }
    if (hasErrorCode(err)) {
      full.err(redact(`continuity ${name}: ${err.message} [${err.code}]`));
      return 1;
    }
    full.err(redact(`continuity ${name}: unexpected error: ${(err as Error).stack ?? String(err)}`));
    return 1;
  }
}

function thresholds(ctx: Context, config: Config): Thresholds {
  return {
    ...DEFAULT_THRESHOLDS,
    staleMinutes: numberOption(ctx.values, 'stale-minutes', DEFAULT_THRESHOLDS.staleMinutes, 0),
    minFreeDiskBytes: config.health.minFreeDiskBytes,
  };
}

const historyLimit = (ctx: Context) => Math.floor(numberOption(ctx.values, 'history', DEFAULT_HISTORY, 1));
const attempts = (ctx: Context) => Math.floor(numberOption(ctx.values, 'attempts', DEFAULT_ATTEMPTS, 1));

async function snapshotCommand(ctx: Context, config: Config): Promise<number> {
  const state = await takeSnapshot({ root: ctx.root, config, now: ctx.io.now, historyLimit: historyLimit(ctx) });
  writeState(ctx.root, state, ctx.redact);
  const recs = recommend(state.snapshot, thresholds(ctx, config));
  ctx.say(`snapshot: wrote ${STATE_PATH}: ${summaryLine(state.snapshot, recs.length)}`);
  return 0;
}

function reportCommand(ctx: Context, config: Config): number {
  const state = readState(ctx.root);
  if (!state)
    throw new FbError(
      'E_NO_SNAPSHOT',
      `no ${STATE_PATH} yet: run \`futuresboard continuity snapshot\` first (or \`sync\`, which does both)`,
    );
  const { markdown, summary } = renderReport(loadTemplate(ctx.root), state.snapshot, thresholds(ctx, config));
  const rel = nextReportPath(ctx.root, state.snapshot.time);
  writeReport(ctx.root, rel, markdown, ctx.redact);
  ctx.say(`report: wrote ${rel}: ${summary}`);
  return 0;
}

async function syncCommand(ctx: Context, config: Config): Promise<number> {
  const r = await sync({
    root: ctx.root,
    config,
    env: ctx.io.env,
    now: ctx.io.now,
    historyLimit: historyLimit(ctx),
    thresholds: thresholds(ctx, config),
    attempts: attempts(ctx),
    redact: ctx.redact,
    log: (l) => ctx.say(`sync: ${l}`),
  });
  ctx.say(
    `sync: done: ${r.report} in ${r.commit.slice(0, 12)}${r.pushedTo ? `, pushed to ${r.pushedTo}` : ', not pushed (no remote)'}`,
  );
  return 0;
}

function phaseShow(ctx: Context): number {
  if (ctx.positionals.length)
    throw new FbError('E_USAGE', `phase show takes no arguments (got ${ctx.positionals.join(' ')})`);
  ctx.say(formatPhases(readPhases(ctx.root)));
  return 0;
}

async function phaseSet(ctx: Context): Promise<number> {
  const [tag, note, ...extra] = ctx.positionals;
  if (tag === undefined || note === undefined || extra.length)
    throw new FbError(
      'E_USAGE',
      'phase set needs exactly a tag and a quoted note: futuresboard continuity phase set <tag> "<note>"',
    );
  const repo = await openGitRepo(ctx.root, ctx.io.env);
  const next = addPhase(readPhases(repo.root), tag, note, ctx.io.now());
  const checkpoint = new FileCheckpoint(repo.root);
  checkpoint.save(PHASE_PATH);
  writePhases(repo.root, next, ctx.redact);
  const message = ctx.redact(`phase ${tag}\n\n${note.trim()}\n`);
  await publish({
    repo,
    paths: [PHASE_PATH],
    message,
    attempts: attempts(ctx),
    checkpoint,
    log: (l) => ctx.say(`phase: ${l}`),
  });
  ctx.say(`phase: now ${tag}`);
  return 0;
}

async function watchCommand(ctx: Context, config: Config): Promise<number> {
  const everyMs = parseDuration('every', String(ctx.values.every));
  const syncEveryMs =
    ctx.values['sync-every'] === undefined ? null : parseDuration('sync-every', String(ctx.values['sync-every']));
  const graceMs = parseDuration('notify-grace', String(ctx.values['notify-grace']));
  const notifier = ctx.values.notify
    ? createNotifier({ webhooks: config.webhooks, fetch, now: ctx.io.now, out: ctx.say, graceMs })
    : undefined;
  if (notifier && !notifier.names.length)
    throw new FbError(
      'E_USAGE',
      '--notify: no entry in the config\'s webhooks takes health transitions (add one; its events must include "health")',
    );
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signal = ctx.io.signal ?? controller.signal;
  if (!ctx.io.signal) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  try {
    await watch({
      targets: healthTargets(config),
      named: config.continuity.targets.length > 0,
      everyMs,
      syncEveryMs,
      sync: async () => void (await syncCommand(ctx, config)),
      logFile: ctx.values.log === undefined ? join(ctx.root, WATCH_LOG_PATH) : resolve(String(ctx.values.log)),
      signal,
      now: ctx.io.now,
      redact: ctx.redact,
      out: ctx.io.out,
      notifier,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
