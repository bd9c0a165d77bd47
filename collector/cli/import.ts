/** `futuresboard import <capture.jsonl>... --db <file>` */
import { existsSync } from 'node:fs';
import { CliError, parseCommand } from '../../bin/cli-kit.ts';
import { createLogger } from '../../bin/logger.ts';
import { Progress } from '../../bin/progress.ts';
import { loadConfig } from '../config.ts';
import { importCaptures } from '../import/import-capture.ts';
import { openStore } from '../store/open.ts';

const SPEC = {
  usage: 'futuresboard import <capture.jsonl>... --db <file>',
  summary:
    'Normalize recorded raw frames (the capture format written by `collect --raw`, see fixtures/captures/README.md) through the live parsers into a database. Connections are matched to exchanges by their address.',
  options: {
    db: { type: 'string', description: 'SQLite file to write (created if missing)', placeholder: 'file', default: 'data/futures.db' },
    config: { type: 'string', description: 'config file whose `metrics` settings are used to compute metrics and alerts', placeholder: 'file' },
  },
  positionals: true,
} as const;

export async function runImport(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  if (args.positionals.length === 0) throw new CliError('give at least one capture .jsonl file (see --help)');
  for (const f of args.positionals) if (!existsSync(f)) throw new CliError(`capture file not found: ${f}`);
  const dbPath = args.values.db as string;
  const logger = createLogger('import', 'warn');
  const config = loadConfig({ path: args.values.config as string | undefined });
  const db = openStore(dbPath);
  const progress = new Progress('import', 0);
  try {
    const r = await importCaptures(db, args.positionals, {
      logger,
      metrics: config.metrics,
      onProgress: (bytes, total, events) => {
        progress.total = total;
        progress.update(bytes, `${events} events`);
      },
    });
    progress.done(`${r.events} events`);
    const kinds = Object.entries(r.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
    process.stdout.write(`imported ${r.events} events from ${r.frames} frames into ${dbPath} (${kinds}); ${r.parseErrors} malformed frames skipped\n`);
    return 0;
  } finally {
    db.close();
  }
}
