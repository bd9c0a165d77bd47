/** `futuresboard export`: write a consistent, sql.js-readable copy of a database. */
import { existsSync } from 'node:fs';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { parseCommand, type CommandSpec } from './kit.ts';
import { checkRecordingFile } from '../replay/adapters/recording-file.ts';
import type { ExportOptionName } from '../collector/export/errors.ts';
import { parseFilters } from '../collector/export/filters.ts';
import { exportSnapshot } from '../collector/export/snapshot.ts';

const SPEC: CommandSpec = {
  usage: 'futuresboard export --db <file> --out <file> [--from <time>] [--to <time>] [--markets <list>]',
  summary:
    'Copy a database (live or not) into one self-contained file that sql.js, the sqlite3 shell and Datasette open: ' +
    'taken at one instant, journal_mode=DELETE, integrity-checked, written to a temporary file and renamed over --out.',
  options: {
    db: { type: 'string', placeholder: 'file', description: 'database to copy (the collector may keep writing it)' },
    out: { type: 'string', placeholder: 'file', description: 'file to write (replaced atomically if it exists)' },
    from: {
      type: 'string',
      placeholder: 'time',
      description: 'keep rows received at or after this time (epoch ms or ISO-8601)',
    },
    to: {
      type: 'string',
      placeholder: 'time',
      description: 'keep rows received before this time (epoch ms or ISO-8601)',
    },
    markets: {
      type: 'string',
      placeholder: 'list',
      description: 'keep only these unified markets, e.g. BTC/USDT:USDT,ETH/USDT:USDT',
    },
  },
};

const FLAGS: Record<ExportOptionName, string> = {
  dbPath: '--db',
  outPath: '--out',
  from: '--from',
  to: '--to',
  markets: '--markets',
};

export async function runExport(
  argv: string[],
  out: (line: string) => void = (s) => process.stdout.write(s + '\n'),
): Promise<number> {
  const parsed = parseCommand(argv, SPEC, out);
  if (!parsed) return 0;
  const v = parsed.values as Record<string, string | undefined>;
  if (!v.db) throw new FbError('E_USAGE', '--db is required: the database file to copy (see --help)');
  if (!v.out) throw new FbError('E_USAGE', '--out is required: the file to write (see --help)');
  try {
    const filters = parseFilters({ from: v.from, to: v.to, markets: v.markets }, (name) => `--${name}`);
    // The check every reader runs; a missing file is reported by exportSnapshot with the other path errors.
    if (existsSync(v.db)) checkRecordingFile(v.db, 'read');
    const result = await exportSnapshot({
      dbPath: v.db,
      outPath: v.out,
      ...filters,
      onProgress: (stage) => out(`export: ${stage}…`),
    });
    const rows = Object.entries(result.tables)
      .filter(([table, n]) => table !== 'schema_migrations' && n > 0)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ');
    out(`export: wrote ${result.outPath} (${result.bytes} bytes, ${result.ms} ms)`);
    out(`export: rows: ${rows || 'none'}${result.removed ? `; left out by the filters: ${result.removed}` : ''}`);
    return 0;
  } catch (err) {
    if (!hasErrorCode(err)) throw err;
    // The same code (option mistakes exit 2, a failed copy 1), with the option named by its flag.
    throw new FbError(err.code, err.option ? `${FLAGS[err.option as ExportOptionName]}: ${err.detail}` : err.message);
  }
}
