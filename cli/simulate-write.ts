/**
 * `futuresboard simulate --write <dir> --hours <h>`: a recordings folder of the synthetic market,
 * generated in virtual time as fast as the machine goes. The simulator's market produces the
 * three exchanges' real frames and REST bodies (simulator/virtual/), stamped with virtual receipt
 * times, and the collector's import path records them (collector/import/folder-recorder.ts): the
 * live parsers, gap gates, metrics engine and alerts, and the segment store. No socket, no timer
 * and no wall clock decide anything, so the same options write the same rows.
 */
import { readdirSync } from 'node:fs';
import { EXCHANGES } from '../core/events.ts';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { silentLogger } from '../core/log.ts';
import { loadConfig } from '../collector/config.ts';
import { SEGMENT_MS, type SegmentLength } from '../collector/config/schema.ts';
import { ADAPTERS } from '../collector/exchanges/index.ts';
import { archivedFeed } from '../collector/feed/raw-recorder.ts';
import { FolderRecorder } from '../collector/import/folder-recorder.ts';
import { VERSION } from '../collector/version.ts';
import { fmtBytes, fmtInt } from '../continuity/format.ts';
import { simulatorEndpoints } from '../simulator/simulator.ts';
import { parseMarkets } from '../simulator/synthetic/markets.ts';
import { VirtualExchange, type Outage } from '../simulator/virtual/exchange.ts';
import { numberOption, type OptionSpec, type Parsed } from './kit.ts';
import { Progress } from './progress.ts';
import { timeOption } from './replay-options.ts';

const LENGTHS = Object.keys(SEGMENT_MS) as SegmentLength[];
/** Where virtual time starts unless --start says otherwise: a fixed instant, so a rerun writes the same folder. */
export const DEFAULT_START = '2026-01-05T00:00:00Z';
/** How long each --gap-at outage keeps its exchange's websockets down. */
export const OUTAGE_MS = 20_000;
/** Virtual time run between two looks at the closer and the progress bar. */
const CHUNK_MS = 5_000;

export const WRITE_OPTIONS: Record<string, OptionSpec> = {
  write: {
    type: 'string',
    placeholder: 'dir',
    description:
      'instead of serving: write a recordings folder (catalog.json + closed segments) of the synthetic market in virtual time, as fast as it goes',
  },
  hours: { type: 'string', placeholder: 'h', description: 'with --write: virtual hours to record', default: '1' },
  segment: {
    type: 'string',
    placeholder: 'length',
    description: `with --write: segment length, ${LENGTHS.join(', ')}`,
    default: '1h',
  },
  start: {
    type: 'string',
    placeholder: 'time',
    description: 'with --write: virtual start, an ISO time with a zone or epoch ms',
    default: DEFAULT_START,
  },
  'gap-at': {
    type: 'string',
    multiple: true,
    placeholder: 'minutes',
    description: `with --write: drop one exchange's websockets for ${OUTAGE_MS / 1000} s at these minutes (repeatable or comma-separated; Binance, Bybit, OKX in turn)`,
  },
  config: {
    type: 'string',
    placeholder: 'file',
    description:
      'with --write: config file whose `metrics` settings compute the metrics and alerts (default: the defaults)',
  },
};

/** The first of `names` given on the command line (parseArgs fills in defaults, so its values cannot tell). */
export function firstGiven(argv: readonly string[], names: readonly string[]): string | undefined {
  return names.find((n) => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`)));
}

interface WritePlan {
  dir: string;
  hours: number;
  segment: SegmentLength;
  start: number;
  outages: Outage[];
  seed: number;
  rate: number;
  markets: string[];
  metrics: unknown;
}

function refuseUsedFolder(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOTDIR')
      throw new FbError('E_USAGE', `--write ${dir} is a file; give a new or empty folder`);
    return; // not there yet: created
  }
  if (names.some((n) => n === 'catalog.json' || n === 'hot.db' || n.startsWith('seg-')))
    throw new FbError(
      'E_USAGE',
      `--write ${dir} already holds a recording; give a new or empty folder, or remove that one`,
    );
}

function outagesOption(v: Parsed['values'], start: number, hours: number): Outage[] {
  const texts = ((v['gap-at'] as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
  return texts.map((text, i) => {
    const minutes = Number(text);
    if (text === '' || !Number.isFinite(minutes) || minutes <= 0 || minutes * 60_000 + OUTAGE_MS > hours * 3600_000)
      throw new FbError(
        'E_USAGE',
        `--gap-at takes minutes into the recording, above 0 and ${OUTAGE_MS / 1000} s before its end (${hours * 60} min); got ${JSON.stringify(text)}`,
      );
    return { exchange: EXCHANGES[i % EXCHANGES.length], at: start + Math.round(minutes * 60_000), ms: OUTAGE_MS };
  });
}

export function writePlan(v: Parsed['values'], common: { seed: number; rate: number; markets: string[] }): WritePlan {
  const dir = v.write as string;
  if (dir.trim() === '') throw new FbError('E_USAGE', '--write needs a folder to write the recording into');
  const hours = numberOption(v, 'hours', 1, 0);
  if (!(hours > 0 && hours <= 24 * 31))
    throw new FbError('E_USAGE', `--hours must be above 0 and at most ${24 * 31} (a month); got ${String(v.hours)}`);
  const segment = v.segment as SegmentLength;
  if (!LENGTHS.includes(segment))
    throw new FbError('E_USAGE', `--segment must be one of ${LENGTHS.join(', ')}, got ${JSON.stringify(v.segment)}`);
  const start = timeOption(v, 'start')!;
  try {
    parseMarkets(common.markets);
  } catch (err) {
    if (hasErrorCode(err, 'E_SIM_MARKET')) throw new FbError('E_USAGE', `--${(err as Error).message}`);
    throw err;
  }
  const config = v.config as string | undefined;
  const metrics = config === undefined ? undefined : loadConfig({ path: config }).metrics;
  refuseUsedFolder(dir);
  return { dir, hours, segment, start, outages: outagesOption(v, start, hours), ...common, metrics };
}

/**
 * What a collector starting on the virtual exchange plans: every market the exchange lists, and
 * the connections and polls its adapter plans for them.
 */
function plansOn(vx: VirtualExchange) {
  const endpoints = simulatorEndpoints('virtual-exchange');
  return EXCHANGES.map((id) => {
    const adapter = ADAPTERS[id];
    const instruments = adapter.parseInstruments(vx.get(adapter.instrumentsUrl(endpoints[id])));
    const plan = adapter.plan(endpoints[id], instruments);
    return {
      feed: archivedFeed(id, instruments, plan),
      connections: plan.connections.map((c) => ({ id: c.id, exchange: id, url: c.url, subscribe: c.subscribe })),
      polls: plan.polls.map((p) => ({ exchange: id, url: p.url, intervalMs: p.intervalMs })),
    };
  });
}

export async function runSimulateWrite(
  p: WritePlan,
  io: { out: (line: string) => void; err?: NodeJS.WritableStream },
): Promise<number> {
  const started = performance.now();
  const end = p.start + Math.round(p.hours * 3600_000);
  let recorder: FolderRecorder | null = null;
  const vx = new VirtualExchange(
    { seed: p.seed, markets: p.markets, eventsPerSecond: p.rate, start: p.start, outages: p.outages },
    (line) => recorder!.apply(line),
  );
  const plans = plansOn(vx);
  recorder = new FolderRecorder({
    dir: p.dir,
    segment: p.segment,
    periodMs: SEGMENT_MS[p.segment],
    feeds: plans.map((x) => x.feed),
    metrics: p.metrics,
    start: p.start,
    codeVersion: VERSION,
    logger: silentLogger,
  });
  for (const x of plans) vx.attach(x.connections, x.polls);
  const progress = new Progress('simulate --write', end - p.start, (io.err ?? process.stderr) as NodeJS.WriteStream);
  try {
    // Virtual time runs over [start, end): nothing is stamped at `end`, the next period's start.
    for (let t = p.start; t < end - 1; ) {
      t = Math.min(end - 1, t + CHUNK_MS);
      vx.runUntil(t);
      await recorder.breathe();
      progress.update(t - p.start, `${fmtInt(recorder.events)} events`);
    }
    const catalog = await recorder.finish();
    progress.done(`${fmtInt(recorder.events)} events`);
    const seconds = (performance.now() - started) / 1000;
    const bytes = catalog.segments.reduce((n, s) => n + s.bytes, 0);
    const tiers = Object.entries(recorder.tiers)
      .map(([tier, n]) => `tier ${tier} ${fmtInt(n)}`)
      .join(', ');
    io.out(
      `wrote ${fmtInt(recorder.events)} events (${fmtInt(recorder.kinds.gap ?? 0)} gaps; alerts: ${tiers || 'none'}) ` +
        `from ${new Date(p.start).toISOString()} to ${new Date(end).toISOString()} into ${p.dir}: ` +
        `${catalog.segments.length} segments, ${fmtBytes(bytes)}; ${seconds.toFixed(1)} s, ${fmtInt(Math.round(recorder.events / seconds))} events/s`,
    );
    return 0;
  } catch (err) {
    await recorder.abort();
    throw err;
  }
}
