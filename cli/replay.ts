/**
 * `futuresboard replay`: play a recorded session back. Prints the events as JSON lines (the
 * exact objects the live collector produced, gaps included), or with --alerts the alerts the
 * metrics engine computes from them with the recording's settings (what the site's replay page
 * shows), or with --relay serves them on the live relay protocol, metrics and alerts included,
 * so the site's live pages can watch a replay as if it were live.
 */
import { parseCommand, portOption } from './kit.ts';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { createLogger } from './logger.ts';
import { loadConfig } from '../collector/config.ts';
import type { RecordedEvent } from '../core/events.ts';
import { silentLogger } from '../core/log.ts';
import { createMetricsEngine } from '../core/metrics/engine.ts';
import { createReplayPlayer } from '../replay/player/player.ts';
import { metricsConfigAtStart, recordingSource, type Recording } from '../replay/player/parts.ts';
import { INTERACTIVE_MAX_IDLE_MS, parseSpeed, type Speed } from '../replay/player/speed.ts';
import { nodeScheduler } from '../replay/adapters/node-scheduler.ts';
import { FILTER_OPTIONS, filterOptions, recordingOption } from './replay-options.ts';
import { startReplayRelay } from './replay-relay.ts';

const SPEC = {
  usage:
    'futuresboard replay (--db <file> | --recordings <dir>) [--from <time>] [--to <time>] [--markets <list>] [--kinds <list>] [--speed <1|10|100|max>] [--alerts | --relay [--port <n>]]',
  summary:
    'Replay a recorded session (one file, or a recordings folder as one stream) in receipt order. Prints one JSON event per line, or with --alerts one computed alert per line, ' +
    'or with --relay serves the events ' +
    '(and the metrics and alerts computed from them) on the live relay protocol until Ctrl-C.',
  options: {
    ...FILTER_OPTIONS,
    kinds: {
      type: 'string',
      description: 'comma-separated event kinds (trade, book_ticker, ..., gap); default all',
      placeholder: 'list',
    },
    speed: {
      type: 'string',
      description: 'multiple of recorded time (1, 10x, 100x) or max (default: max when printing, 1 with --relay)',
      placeholder: 'speed',
    },
    alerts: {
      type: 'boolean',
      description:
        "print the alerts the metrics engine computes from the events (the recording's metrics settings) instead of the events",
    },
    relay: { type: 'boolean', description: 'serve the replay on the live relay protocol instead of printing it' },
    port: {
      type: 'string',
      description: 'relay port with --relay (default: http.port of the config)',
      placeholder: 'n',
    },
    config: {
      type: 'string',
      description: 'config file for the relay host, port, origins and token',
      placeholder: 'file',
    },
  },
} as const;

export interface ReplayIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function speedOption(text: unknown, fallback: Speed): Speed {
  if (text === undefined) return fallback;
  try {
    return parseSpeed(String(text));
  } catch (err) {
    if (hasErrorCode(err, 'E_REPLAY_SPEED')) throw new FbError('E_USAGE', `--${err.message}`);
    throw err;
  }
}

export async function runReplay(
  argv: string[],
  io: ReplayIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const args = parseCommand(argv, SPEC, (s) => void io.stdout.write(s + '\n'));
  if (!args) return 0;
  const v = args.values;
  const recording = recordingOption(v);
  const filter = filterOptions(v);
  if (v.relay) {
    if (v.alerts)
      throw new FbError(
        'E_USAGE',
        '--alerts prints alerts; --relay already serves them on its alerts channel: use one or the other',
      );
    const config = loadConfig({ path: v.config as string | undefined });
    config.http.port = portOption(v, 'port', config.http.port);
    return serveRelay({ recording, filter, speed: speedOption(v.speed, 1), config, io });
  }
  if (v.port !== undefined || v.config !== undefined)
    throw new FbError('E_USAGE', '--port and --config only apply with --relay');
  // Metrics need every kind of event: alerts from a subset would differ from what live computed.
  if (v.alerts && filter.kinds)
    throw new FbError('E_USAGE', '--alerts computes alerts from every event kind: drop --kinds');
  return printEvents(recording, filter, speedOption(v.speed, 'max'), io, v.alerts === true);
}

/** One JSON line per event, or per alert the metrics engine computes (configured as at the first event). */
function eventPrinter(
  recording: Recording,
  filter: ReturnType<typeof filterOptions>,
  alerts: boolean,
): (e: RecordedEvent) => string[] {
  if (!alerts) return (e) => [JSON.stringify(e)];
  // One engine for the whole stream: its state carries over from one segment to the next.
  const engine = createMetricsEngine(metricsConfigAtStart(recording, filter), { logger: silentLogger });
  return (e) => engine.onEvent(e)?.alerts.map((a) => JSON.stringify(a)) ?? [];
}

/** Print JSON lines; output is flushed at each of the player's pauses, respecting backpressure. */
async function printEvents(
  recording: Recording,
  filter: ReturnType<typeof filterOptions>,
  speed: Speed,
  io: ReplayIo,
  alerts: boolean,
): Promise<number> {
  const print = eventPrinter(recording, filter, alerts);
  let lines: string[] = [];
  let broken = false;
  const flush = async () => {
    if (!lines.length || broken) return;
    const ok = io.stdout.write(lines.join('\n') + '\n');
    lines = [];
    if (!ok) await writable(io.stdout);
  };
  const player = createReplayPlayer({
    open: recordingSource(recording, filter),
    scheduler: nodeScheduler(flush),
    speed,
    maxIdleMs: INTERACTIVE_MAX_IDLE_MS,
  });
  // A closed pipe (`| head`) ends the replay quietly; any other write error ends it loudly.
  // The listener stays: a write still in flight may fail after the replay has finished.
  let failure: Error | undefined;
  io.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') failure ??= err;
    broken = true;
    player.stop();
  });
  await player.run((e) => lines.push(...print(e)));
  await flush();
  if (failure) throw failure;
  return 0;
}

/** Resolves when `out` can take more (drained), or will never take more (closed, failed). */
function writable(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

async function serveRelay(opts: {
  recording: Recording;
  filter: ReturnType<typeof filterOptions>;
  speed: Speed;
  config: ReturnType<typeof loadConfig>;
  io: ReplayIo;
}): Promise<number> {
  const logger = createLogger('replay');
  const relay = await startReplayRelay({
    recording: opts.recording,
    filter: opts.filter,
    speed: opts.speed,
    config: opts.config,
    logger,
  });
  opts.io.stderr.write(
    `replaying ${opts.recording.name} at ${opts.speed === 'max' ? 'max speed' : `${opts.speed}×`} on ws://${opts.config.http.host}:${relay.port}/ (Ctrl-C to stop)\n`,
  );
  relay.finished.then(
    (s) =>
      opts.io.stderr.write(`replay finished: ${s.emitted} events; still serving the final state (Ctrl-C to stop)\n`),
    () => opts.io.stderr.write('replay failed (see the log); still serving what was replayed (Ctrl-C to stop)\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await relay.close();
  return 0;
}
