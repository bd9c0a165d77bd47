/**
 * `futuresboard metrics verify|bench` and `futuresboard alerts stats`: the command-line side of
 * the metrics engine (core/metrics).
 */
import { readFileSync } from 'node:fs';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { numberOption, parseCommand, subcommand, type CommandSpec } from './kit.ts';
import { createLogger } from './logger.ts';
import { hasCatalog } from '../replay/adapters/catalog-file.ts';
import { inFilter, metricsConfigAtStart, openParts, planParts } from '../replay/player/parts.ts';
import { RecordedAlerts } from '../replay/recorded-alerts.ts';
import { FILTER_OPTIONS, filterOptions, recordingOption } from './replay-options.ts';
import { alertStats, type AlertOutcome, type TierStats } from '../core/metrics/alert-stats.ts';
import { benchMetrics } from '../core/metrics/bench.ts';
import { overridesOf, resolveMetricsConfig, type MetricsConfig } from '../core/metrics/config.ts';
import { METRICS_PRESETS, type MetricsPreset } from '../core/metrics/presets.ts';
import { recomputeAlerts } from '../replay/recompute-alerts.ts';
import { hasTable } from '../core/metrics/store.ts';
import { syntheticEvents } from '../core/metrics/synthetic.ts';
import { FORWARD_HORIZONS } from '../core/metrics/types.ts';
import { verifyMetrics } from '../replay/metrics-verify.ts';

type Out = (line: string) => void;
const stdout: Out = (s) => void process.stdout.write(s + '\n');
/** What `alerts stats` reads by default: the demo's recordings folder, else the default database. */
const DEFAULT_RECORDINGS = 'data/recordings';
const DEFAULT_DB = 'data/futures.db';

const VERIFY: CommandSpec = {
  usage:
    'futuresboard metrics verify (--db <file> | --recordings <dir>) [--from <time>] [--to <time>] [--markets <list>] [--config <file>]',
  summary:
    'Recompute every metric row and alert from the recorded events (in seq order, with the metrics config the collector ' +
    'recorded; across the segments of a recordings folder as one stream) and compare them with what was written live. ' +
    'With --from/--to/--markets only the rows received in that window for those markets are compared (all is ' +
    'still recomputed from the start). Exits 1 and lists the first differences if anything differs.',
  options: {
    ...FILTER_OPTIONS,
    config: {
      type: 'string',
      placeholder: 'file',
      description:
        'metrics settings to use instead of the recorded ones: a futuresboard config file (its `metrics` section) or a bare metrics config',
    },
  },
};

const BENCH: CommandSpec = {
  usage: 'futuresboard metrics bench [--markets <n>] [--events <n>] [--rate <events/s>] [--preset <name>]',
  summary:
    'Time the metrics engine over a synthetic live-like stream, next to a loop that only reads the same events, on one core.',
  options: {
    markets: { type: 'string', placeholder: 'n', description: 'exchange markets', default: '200' },
    events: { type: 'string', placeholder: 'n', description: 'events to process', default: '1000000' },
    rate: {
      type: 'string',
      placeholder: 'n',
      description:
        'events per second of recorded time, all markets together (sets how often buckets close; the default lets warm-up end so alerts are evaluated)',
      default: '2000',
    },
    preset: {
      type: 'string',
      placeholder: 'name',
      description: `metrics preset to time (${METRICS_PRESETS.join(', ')})`,
      default: 'default',
    },
  },
};

const STATS: CommandSpec = {
  usage:
    'futuresboard alerts stats [--db <file> | --recordings <dir>] [--from <time>] [--to <time>] [--markets <list>] [--compare <presets>] [--json]',
  summary:
    'Alert count, hit rate and mean return per tier: a hit is a forward return (5, 15, 60 min) in the direction of the ' +
    'alert; the mean return is taken in that direction too. ' +
    `Reads ${DEFAULT_RECORDINGS} when it is a recordings folder, else ${DEFAULT_DB}, unless told otherwise. ` +
    '--from/--to/--markets count only the alerts received in that window for those markets. ' +
    '--compare recomputes the alerts of each named metrics preset over the same recorded events, keeping the settings ' +
    'the recording changed from its own preset (buckets, windows, warm-up, user rules), and sets them side by side.',
  options: {
    ...FILTER_OPTIONS,
    compare: {
      type: 'string',
      placeholder: 'presets',
      description: `comma-separated metrics presets to recompute and compare (${METRICS_PRESETS.join(', ')}), e.g. seed,default`,
    },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
};

function configFile(path: string): MetricsConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FbError('E_USAGE', `--config ${path}: cannot read it as JSON (${(err as Error).message})`);
  }
  // Either a bare metrics config or a whole futuresboard config file with a `metrics` section.
  const isFullConfig = typeof parsed === 'object' && parsed !== null && 'metrics' in parsed;
  try {
    return resolveMetricsConfig(isFullConfig ? (parsed as { metrics: unknown }).metrics : parsed);
  } catch (err) {
    if (hasErrorCode(err, 'E_METRICS_CONFIG'))
      throw new FbError('E_USAGE', `--config ${path}: ${err.problems?.join('; ')}`);
    throw err;
  }
}

/** `futuresboard metrics <verify|bench>`; returns the exit code. */
export async function runMetrics(argv: string[], out: Out = stdout): Promise<number> {
  const picked = subcommand(argv, 'metrics', { verify: VERIFY, bench: BENCH }, out);
  if (!picked) return 0;
  const [sub, rest] = picked;
  return sub === 'verify' ? verify(rest, out) : bench(rest, out);
}

function verify(argv: string[], out: Out): number {
  const args = parseCommand(argv, VERIFY, out);
  if (!args) return 0;
  const recording = recordingOption(args.values);
  const window = filterOptions(args.values);
  const config = typeof args.values.config === 'string' ? configFile(args.values.config) : undefined;
  const logger = createLogger('metrics-verify', 'warn');
  const r = verifyMetrics(openParts(planParts(recording)), { config, logger, window });
  if (r.configSource === 'default')
    out('metrics verify: no metrics config recorded in this recording; using the defaults (pass --config to choose)');
  out(`metrics verify: recomputed from ${r.events} events; compared ${r.metrics} metric rows and ${r.alerts} alerts`);
  if (r.differenceCount === 0) {
    out('metrics verify: OK, identical to what was recorded');
    return 0;
  }
  out(`metrics verify: ${r.differenceCount} difference(s); the first ${r.differences.length}:`);
  for (const d of r.differences)
    out(`  ${d.table} ${d.where}: ${d.field}: stored ${d.stored}, recomputed ${d.recomputed}`);
  return 1;
}

function bench(argv: string[], out: Out): number {
  const args = parseCommand(argv, BENCH, out);
  if (!args) return 0;
  const markets = numberOption(args.values, 'markets', 200, 1);
  const events = numberOption(args.values, 'events', 1_000_000, 1);
  const rate = numberOption(args.values, 'rate', 2000, 1);
  out(`metrics bench: generating ${events} events over ${markets} markets at ${rate} events/s…`);
  const stream = syntheticEvents({ markets, events, startTs: Date.UTC(2025, 0, 1), rate, seed: 1 });
  const preset = presetNamed(String(args.values.preset), '--preset');
  const r = benchMetrics(stream, resolveMetricsConfig({ preset }), () => performance.now());
  const m = (n: number) => `${(n / 1e6).toFixed(2)} M events/s`;
  out(
    `metrics bench: read-only loop ${m(r.readPerSec)}; metrics + alerts ${m(r.enginePerSec)} (${r.ratio.toFixed(1)}× the read loop's time; best of 3 runs each)`,
  );
  out(
    `metrics bench: ${r.rows} metric rows and ${r.alerts} alerts produced; target ≥ 1.00 M events/s: ${r.enginePerSec >= 1e6 ? 'met' : 'NOT met'}`,
  );
  return 0;
}

/** `futuresboard alerts stats`; returns the exit code. */
export async function runAlerts(argv: string[], out: Out = stdout): Promise<number> {
  const picked = subcommand(argv, 'alerts', { stats: STATS }, out);
  if (!picked) return 0;
  const args = parseCommand(picked[1], STATS, out);
  if (!args) return 0;
  const v = args.values;
  const given = v.db !== undefined || v.recordings !== undefined;
  const recording = recordingOption(
    given ? v : hasCatalog(DEFAULT_RECORDINGS) ? { recordings: DEFAULT_RECORDINGS } : { db: DEFAULT_DB },
  );
  const window = filterOptions(v);
  const inWindow = (a: { local_ts?: unknown; market?: unknown }) =>
    inFilter(window, Number(a.local_ts), String(a.market));
  if (typeof v.compare === 'string') {
    const presets = comparedPresets(v.compare);
    // The recording's own settings (buckets, windows, warm-up, user rules) stay; only the model changes.
    const own = overridesOf(metricsConfigAtStart(recording));
    const byPreset = presets.map((preset) => {
      const alerts = recomputeAlerts(openParts(planParts(recording)), resolveMetricsConfig({ ...own, preset }), {
        logger: createLogger('alerts-stats', 'warn'),
        onPart: (name, p) =>
          process.stderr.write(`alerts stats: ${preset}: ${name}: ${p.events} events, ${p.alerts} alerts so far\n`),
      });
      return { preset, stats: alertStats(alerts.filter(inWindow)) };
    });
    if (v.json) out(JSON.stringify(byPreset, null, 2));
    else for (const line of statsTable(byPreset)) out(line);
    return 0;
  }
  const alerts = new RecordedAlerts();
  for (const part of openParts(planParts(recording))) {
    if (!hasTable(part.db, 'alerts'))
      throw new FbError('E_VERIFY_SCHEMA', `${part.name} has no alerts table (it predates schema version 2)`);
    alerts.add(part);
  }
  const rows = alerts
    .alerts()
    .map((a) => a.row)
    .filter(inWindow)
    .map((row) => row as unknown as AlertOutcome & { tier: number });
  const stats = alertStats(rows);
  if (v.json) out(JSON.stringify(stats, null, 2));
  else for (const line of statsTable([{ preset: null, stats }])) out(line);
  return 0;
}

/** One preset name, checked; `option` names the flag in the error. */
function presetNamed(name: string, option: string): MetricsPreset {
  if ((METRICS_PRESETS as readonly string[]).includes(name)) return name as MetricsPreset;
  throw new FbError(
    'E_USAGE',
    `${option}: unknown preset ${JSON.stringify(name)}; one of ${METRICS_PRESETS.join(', ')}`,
  );
}

/** `seed,default` → the presets of --compare, each known and named once. */
function comparedPresets(list: string): MetricsPreset[] {
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0)
    throw new FbError(
      'E_USAGE',
      `--compare: name presets, e.g. --compare seed,default (${METRICS_PRESETS.join(', ')})`,
    );
  return [...new Set(names.map((n) => presetNamed(n, '--compare')))];
}

/** One line per tier (and preset, when comparing): alerts, hit rate and mean return per horizon. */
function statsTable(tables: { preset: MetricsPreset | null; stats: TierStats[] }[]): string[] {
  type H = TierStats['horizons'][keyof TierStats['horizons']];
  const hit = (h: H) => (h.hitRate === null ? '—' : `${(h.hitRate * 100).toFixed(1)}% of ${h.known}`);
  const ret = (h: H) => (h.meanReturn === null ? '—' : `${h.meanReturn >= 0 ? '+' : ''}${h.meanReturn.toFixed(3)}%`);
  const comparing = tables[0].preset !== null;
  const head = [
    'tier',
    ...(comparing ? ['preset'] : []),
    'alerts',
    ...FORWARD_HORIZONS.map((h) => `hit ${h.column.slice(8)}`),
    ...FORWARD_HORIZONS.map((h) => `ret ${h.column.slice(8)}`),
  ];
  const rows = tables[0].stats.flatMap((_, i) =>
    tables.map(({ preset, stats }) => {
      const s = stats[i];
      return [
        String(s.tier),
        ...(preset === null ? [] : [preset]),
        String(s.alerts),
        ...FORWARD_HORIZONS.map((h) => hit(s.horizons[h.column])),
        ...FORWARD_HORIZONS.map((h) => ret(s.horizons[h.column])),
      ];
    }),
  );
  const widths = head.map((_, i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    fmt(head),
    ...rows.map(fmt),
    '',
    'A hit is a forward return in the direction of the alert; "of N" counts alerts whose return is known;',
    '"ret" is the mean forward return taken in the direction of the alert (before costs).',
  ];
}
