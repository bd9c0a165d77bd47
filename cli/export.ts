/**
 * `futuresboard export`: write a consistent, sql.js-readable copy of a database, or one v2 file
 * for a window of a recordings folder (export-window.ts).
 */
import { existsSync } from 'node:fs';
import { FbError, hasErrorCode } from '../core/errors.ts';
import { parseCommand, type CommandSpec } from './kit.ts';
import { checkRecordingFile } from '../replay/adapters/recording-file.ts';
import type { ExportOptionName } from '../collector/export/errors.ts';
import { parseFilters } from '../collector/export/filters.ts';
import { exportSnapshot } from '../collector/export/snapshot.ts';
import { exportWindow } from './export-window.ts';
import { recordingOption, refuseFolderAsDb } from './replay-options.ts';

const SPEC: CommandSpec = {
  usage:
    'futuresboard export (--db <file> | --recordings <dir>) --out <file> [--from <time>] [--to <time>] [--markets <list>]',
  summary:
    'Copy a database (live or not) into one self-contained file that sql.js, the sqlite3 shell and Datasette open: ' +
    'taken at one instant, journal_mode=DELETE, integrity-checked, written to a temporary file and renamed over --out. ' +
    'With --recordings, the window of a recordings folder becomes one v2 file that replays as the window does.',
  options: {
    db: { type: 'string', placeholder: 'file', description: 'database to copy (the collector may keep writing it)' },
    recordings: {
      type: 'string',
      placeholder: 'dir',
      description: 'recordings folder (catalog.json) to take the window from, instead of --db',
    },
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
  if (!v.db && !v.recordings)
    throw new FbError(
      'E_USAGE',
      '--db or --recordings is required: the database file or recordings folder to copy (see --help)',
    );
  if (v.db && v.recordings) throw new FbError('E_USAGE', 'give either --db <file> or --recordings <dir>, not both');
  if (!v.out) throw new FbError('E_USAGE', '--out is required: the file to write (see --help)');
  if (v.db) refuseFolderAsDb(v.db);
  try {
    const filters = parseFilters({ from: v.from, to: v.to, markets: v.markets }, (name) => `--${name}`);
    if (v.recordings) {
      const started = performance.now();
      const r = exportWindow(recordingOption({ recordings: v.recordings }), v.out, filters);
      const kinds = Object.entries(r.summary.kinds)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ');
      out(`export: wrote ${r.outPath} (${r.bytes} bytes, ${Math.round(performance.now() - started)} ms)`);
      out(`export: events: ${r.summary.events}${kinds ? ` (${kinds})` : ''}`);
      return 0;
    }
    // The check every reader runs; a missing file is reported by exportSnapshot with the other path errors.
    if (existsSync(v.db!)) checkRecordingFile(v.db!, 'read');
    const result = await exportSnapshot({
      dbPath: v.db!,
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
