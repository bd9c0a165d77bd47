/** `futuresboard collect`: the daemon against the configured (by default real) exchanges. */
import { parseCommand, portOption } from './kit.ts';
import { createLogger } from './logger.ts';
import { busDefaults, loadConfig, validateConfig } from '../collector/config.ts';
import { runUntilSignal, startService } from '../collector/daemon.ts';

const SPEC = {
  usage:
    'futuresboard collect [--config <file>] [--db <file>] [--raw <file>] [--bus <nats://host:port>] [--host <addr>] [--port <n>]',
  summary:
    'Record Binance USDⓈ-M, Bybit linear and OKX swap feeds into SQLite and serve the live relay, /health, /metrics and the HTTP API. ' +
    'Without network it keeps retrying with backoff. Ctrl-C commits the last batch and exits.',
  options: {
    config: {
      type: 'string',
      description: 'config file (default: futuresboard.config.json when present, or $FUTURESBOARD_CONFIG)',
      placeholder: 'file',
    },
    db: { type: 'string', description: 'SQLite file to write (overrides config db)', placeholder: 'file' },
    raw: {
      type: 'string',
      description: 'also archive every received frame, gzipped, one <file>.<period>.jsonl.gz per store.segment period',
      placeholder: 'file',
    },
    bus: {
      type: 'string',
      description:
        'also publish every committed batch to this NATS JetStream server (overrides config bus.url; docs/scale-out.md)',
      placeholder: 'url',
    },
    host: { type: 'string', description: 'relay/HTTP bind address (overrides config http.host)', placeholder: 'addr' },
    port: { type: 'string', description: 'relay/HTTP port (overrides config http.port)', placeholder: 'n' },
  },
} as const;

export async function runCollect(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  const v = args.values;
  const config = loadConfig({ path: v.config as string | undefined });
  if (v.db) config.db = v.db as string;
  if (v.raw) config.raw = v.raw as string;
  if (v.bus) config.bus = { ...(config.bus ?? busDefaults()), url: v.bus as string };
  if (v.host) config.http.host = v.host as string;
  config.http.port = portOption(v, 'port', config.http.port);
  validateConfig(config);
  const logger = createLogger('collect');
  const service = await startService({ config, logger });
  return runUntilSignal(service, logger);
}
