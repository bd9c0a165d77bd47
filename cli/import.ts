/** `futuresboard import <capture.jsonl[.gz]|folder|archive>... --db <file>` */
import { FbError } from '../core/errors.ts';
import { parseCommand } from './kit.ts';
import { createLogger } from './logger.ts';
import { Progress } from './progress.ts';
import { loadConfig } from '../collector/config.ts';
import { importCaptures, MAX_LINE_BYTES, type FileReport } from '../collector/import/import-capture.ts';
import { openStore } from '../collector/store/open.ts';
import { captureFiles } from '../collector/feed/raw-files.ts';

const SPEC = {
  usage: 'futuresboard import <capture>... --db <file>',
  summary: `Normalize recorded raw frames (the capture format written by \`collect --raw\`, see docs/developer_guide.md) through the live parsers into a database. A capture is a .jsonl or .jsonl.gz file, a folder of them, or the archive path given to \`collect --raw\` (its rotated files, in order). Connections are matched to exchanges by their address. Malformed lines (not JSON, missing fields, longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, cut off by a killed collector) are counted and skipped; nothing imported exits 1.`,
  options: {
    db: {
      type: 'string',
      description: 'SQLite file to write (created if missing)',
      placeholder: 'file',
      default: 'data/futures.db',
    },
    config: {
      type: 'string',
      description: 'config file whose `metrics` settings are used to compute metrics and alerts',
      placeholder: 'file',
    },
  },
  positionals: true,
} as const;

const FORMAT = `a capture line is one JSON object (t = connect, recv, http, …) of at most ${MAX_LINE_BYTES / 1024 / 1024} MiB, see docs/developer_guide.md (Raw archive and import)`;

function malformedSummary(f: FileReport): string {
  const more = f.malformed > f.firstMalformed.length ? ', …' : '';
  const cut = f.truncated ? `; the file ends early at line ${f.lines} (a collector killed while writing it)` : '';
  return `${f.file}: ${f.malformed} of ${f.lines} lines malformed, skipped (line ${f.firstMalformed.join(', ')}${more})${cut}`;
}

export async function runImport(argv: string[]): Promise<number> {
  const args = parseCommand(argv, SPEC);
  if (!args) return 0;
  if (args.positionals.length === 0) throw new FbError('E_USAGE', 'give at least one capture .jsonl file (see --help)');
  const files = args.positionals.flatMap((p) => {
    const found = captureFiles(p);
    if (!found.length)
      throw new FbError(
        'E_USAGE',
        `capture file not found: ${p}; give a .jsonl or .jsonl.gz file, a folder of them, or the --raw path of a rotated archive`,
      );
    return found;
  });
  const dbPath = args.values.db as string;
  const logger = createLogger('import', 'warn');
  const config = loadConfig({ path: args.values.config as string | undefined });
  const db = openStore(dbPath);
  const progress = new Progress('import', 0);
  try {
    const r = await importCaptures(db, files, {
      logger,
      metrics: config.metrics,
      onProgress: (bytes, total, events) => {
        progress.total = total;
        progress.update(bytes, `${events} events`);
      },
    });
    progress.done(`${r.events} events`);
    const bad = r.files.filter((f) => f.malformed > 0).map(malformedSummary);
    // Nothing imported is a failure (exit 1, one line); malformed lines beside good ones are a warning.
    if (r.frames === 0) {
      const why = bad.length ? bad.join('; ') : `${args.positionals.join(', ')}: no frame of a supported exchange`;
      throw new FbError('E_IMPORT_EMPTY', `no frames imported: ${why}; ${FORMAT}`);
    }
    for (const line of bad) process.stderr.write(`futuresboard import: warning: ${line}; ${FORMAT}\n`);
    const kinds = Object.entries(r.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    process.stdout.write(
      `imported ${r.events} events from ${r.frames} frames into ${dbPath} (${kinds}); ${r.parseErrors} malformed frames skipped; ${r.malformedLines} malformed lines skipped\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}
