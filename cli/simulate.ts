/**
 * `futuresboard simulate`: serve the three exchanges' protocols on one local port until
 * SIGINT/SIGTERM. Logs (pino JSON) go to stderr; the endpoint URLs are printed on stdout.
 * With `--write <dir>` it serves nothing and writes a recording in virtual time instead
 * (simulate-write.ts).
 */
import { numberOption, parseCommand, portOption, type CommandSpec, type Parsed } from './kit.ts';
import { firstGiven, runSimulateWrite, WRITE_OPTIONS, writePlan } from './simulate-write.ts';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { createLogger } from './logger.ts';
import { EXCHANGES } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { FAULTS, type FaultName } from '../simulator/faults.ts';
import type { LimitOverrides } from '../simulator/options.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';

const SPEC: CommandSpec = {
  usage:
    'futuresboard simulate [--port <n>] [--source synthetic|capture] [--rate <events/s>] [--markets BTC,ETH,SOL] [--fault-every <s>]\n' +
    '       futuresboard simulate --write <dir> [--hours <h>] [--seed <n>] [--rate <events/s>] [--markets ...] [--segment 5m] [--start <time>] [--gap-at <minutes>...]',
  summary:
    'Serve the Binance USDⓈ-M, Bybit v5 linear and OKX v5 public websocket and REST protocols on one local port, fed by a ' +
    'synthetic market or by recorded captures, with fault switches (POST /_sim/fault, GET /_sim/state). Ctrl-C stops it. ' +
    'With --write, serve nothing: record hours of the synthetic market into a recordings folder in virtual time, through ' +
    "the collector's parsers, metrics, alerts and segment store (same options, same rows).",
  options: {
    port: { type: 'string', description: 'port to listen on (0 = any free port)', placeholder: 'n', default: '8790' },
    host: { type: 'string', description: 'interface to bind', placeholder: 'addr', default: '127.0.0.1' },
    source: {
      type: 'string',
      description: 'synthetic (generated markets) or capture (recorded sessions, looped)',
      placeholder: 'kind',
      default: 'synthetic',
    },
    markets: {
      type: 'string',
      description: 'synthetic base assets, comma-separated; BASE=price for assets without a preset',
      placeholder: 'list',
      default: 'BTC,ETH,SOL',
    },
    rate: {
      type: 'string',
      description:
        'synthetic frames per second across everything (with --write, timed streams slow down to keep the total near it)',
      placeholder: 'n',
      default: '300',
    },
    seed: {
      type: 'string',
      description: 'synthetic random seed (same seed, same market)',
      placeholder: 'n',
      default: '1',
    },
    capture: {
      type: 'string',
      multiple: true,
      description: 'capture or sample .jsonl to replay (repeatable; default: ../shared/captures and ../shared/samples)',
      placeholder: 'file',
    },
    'fault-every': { type: 'string', description: 'inject a random fault every N seconds', placeholder: 's' },
    faults: {
      type: 'string',
      description: `faults --fault-every picks from (${FAULTS.filter((f) => f !== 'clear').join(',')})`,
      placeholder: 'list',
      default: 'drop,stall,malformed,skip-seq,duplicate-seq,rollover',
    },
    'max-streams': { type: 'string', description: 'Binance streams per connection', placeholder: 'n', default: '1024' },
    'binance-lifetime': {
      type: 'string',
      description: 'Binance forced close after this many ms (real: 24 h)',
      placeholder: 'ms',
      default: '86400000',
    },
    'binance-ping': {
      type: 'string',
      description: 'Binance server ping interval, ms',
      placeholder: 'ms',
      default: '180000',
    },
    'weight-limit': {
      type: 'string',
      description: 'Binance REST weight per minute',
      placeholder: 'n',
      default: '2400',
    },
    'bybit-idle': { type: 'string', description: 'Bybit idle cut, ms', placeholder: 'ms', default: '600000' },
    'okx-idle': {
      type: 'string',
      description: 'OKX cut without subscription or data, ms',
      placeholder: 'ms',
      default: '30000',
    },
    ...WRITE_OPTIONS,
  },
};

export interface SimulateIo {
  /** Where the endpoint banner goes (default stdout). */
  out?: (line: string) => void;
  logger?: Logger;
  /** Resolves when the simulator should stop (default: SIGINT or SIGTERM). */
  stop?: Promise<unknown>;
  /** Where --write draws its progress (default stderr). */
  err?: NodeJS.WritableStream;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

export function banner(sim: Simulator, what: string): string {
  const e = sim.endpoints;
  const root = `http://${new URL(e['binance-usdm'].rest).host}`;
  return [
    `futuresboard simulator (${what}) on ${root}`,
    `  binance-usdm  ws ${e['binance-usdm'].ws.public}  ${e['binance-usdm'].ws.market}  rest ${e['binance-usdm'].rest}`,
    `  bybit-linear  ws ${e['bybit-linear'].ws.linear}  rest ${e['bybit-linear'].rest}`,
    `  okx-swap      ws ${e['okx-swap'].ws.public}  rest ${e['okx-swap'].rest}`,
    `  control       POST ${root}/_sim/fault  GET ${root}/_sim/state`,
    'Ctrl-C to stop.',
  ].join('\n');
}

/** Options of both modes; every other option is for serving or for --write only. */
const SHARED = ['source', 'markets', 'rate', 'seed'];

function writeRecording(
  argv: string[],
  v: Parsed['values'],
  io: { out: (line: string) => void; err?: NodeJS.WritableStream },
): Promise<number> {
  if (v.source !== 'synthetic')
    throw new FbError('E_USAGE', '--write records the synthetic market only; drop --source capture');
  const serving = firstGiven(
    argv,
    Object.keys(SPEC.options).filter((n) => !SHARED.includes(n) && !(n in WRITE_OPTIONS)),
  );
  if (serving) throw new FbError('E_USAGE', `--${serving} is for serving; --write serves nothing (see --help)`);
  const seed = numberOption(v, 'seed', 1);
  if (!Number.isSafeInteger(seed)) throw new FbError('E_USAGE', `--seed must be an integer, got ${String(v.seed)}`);
  const plan = writePlan(v, { seed, rate: numberOption(v, 'rate', 300, 0.001), markets: marketsOf(v) });
  return runSimulateWrite(plan, io);
}

const marketsOf = (v: Parsed['values']): string[] =>
  String(v.markets)
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');

export async function runSimulate(argv: string[], io: SimulateIo = {}): Promise<number> {
  const args = parseCommand(argv, SPEC, io.out);
  if (!args) return 0;
  const v = args.values;
  const out = io.out ?? ((s: string) => process.stdout.write(s + '\n'));
  if (v.write !== undefined) return writeRecording(argv, v, { ...io, out });
  const stray = firstGiven(argv, Object.keys(WRITE_OPTIONS));
  if (stray) throw new FbError('E_USAGE', `--${stray} only goes with --write <dir> (see --help)`);
  const source = v.source as string;
  if (source !== 'synthetic' && source !== 'capture')
    throw new FbError('E_USAGE', `--source must be synthetic or capture, got ${JSON.stringify(source)}`);
  const faults = String(v.faults)
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const unknown = faults.find((f) => !FAULTS.includes(f as FaultName) || f === 'clear');
  if (unknown !== undefined)
    throw new FbError(
      'E_USAGE',
      `--faults: unknown fault "${unknown}"; choose from ${FAULTS.filter((f) => f !== 'clear').join(', ')}`,
    );
  const faultEvery = v['fault-every'] === undefined ? undefined : numberOption(v, 'fault-every', 0, 0.001);
  const limits: LimitOverrides = {
    binance: {
      maxStreams: numberOption(v, 'max-streams', 1024, 1),
      maxLifetimeMs: numberOption(v, 'binance-lifetime', 86_400_000, 1),
      pingIntervalMs: numberOption(v, 'binance-ping', 180_000, 1),
      restWeightPerMinute: numberOption(v, 'weight-limit', 2400, 1),
    },
    bybit: { idleMs: numberOption(v, 'bybit-idle', 600_000, 1) },
    okx: { idleMs: numberOption(v, 'okx-idle', 30_000, 1) },
  };
  const rate = numberOption(v, 'rate', 300, 0.001);
  const logger = io.logger ?? createLogger('simulate');
  let sim: Simulator;
  try {
    sim = await startSimulator({
      host: v.host as string,
      port: portOption(v, 'port', 8790),
      source,
      markets: marketsOf(v),
      eventsPerSecond: rate,
      seed: numberOption(v, 'seed', 1),
      captureFiles: v.capture as string[] | undefined,
      limits,
      faultEvery:
        faultEvery === undefined
          ? undefined
          : { everyMs: Math.round(faultEvery * 1000), faults: faults as FaultName[] },
      logger,
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'EADDRINUSE')
      throw new FbError(
        'E_USAGE',
        `port ${String(v.port)} is in use; pass --port 0 for any free port, or another port`,
      );
    if (hasErrorCode(err, 'E_SIM_OPTION', 'E_SIM_MARKET', 'E_SIM_CAPTURE')) throw new FbError('E_USAGE', e.message);
    throw err;
  }
  out(banner(sim, source === 'synthetic' ? `synthetic, ${rate} events/s` : 'capture replay'));
  const signal = await (io.stop ?? untilSignal());
  logger.info({ signal, exchanges: EXCHANGES }, 'simulator stopping');
  await sim.close();
  return 0;
}
