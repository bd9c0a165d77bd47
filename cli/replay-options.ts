/**
 * Options shared by the commands that read recordings (replay, backtest, metrics verify, alerts
 * stats, export): the recording (--db <file> or --recordings <dir>) and the event filter.
 */
import { existsSync, statSync } from 'node:fs';
import { FbError } from '../core/errors.ts';
import type { OptionSpec, Parsed } from './kit.ts';
import { EVENT_KINDS, type EventKind } from '../core/events.ts';
import type { ReplayFilter } from '../replay/player/read-events.ts';
import type { Recording } from '../replay/player/parts.ts';
import { hasCatalog } from '../replay/adapters/catalog-file.ts';
import { fileRecording, openRecordingsDir } from '../replay/adapters/recordings-dir.ts';

/** --db and --recordings: one of them names the recording. */
export const RECORDING_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', description: 'recorded SQLite file (v1 or v2), or give --recordings', placeholder: 'file' },
  recordings: {
    type: 'string',
    description: 'recordings folder (catalog.json and its segments), read as one stream, instead of --db',
    placeholder: 'dir',
  },
};

export const FILTER_OPTIONS: Record<string, OptionSpec> = {
  ...RECORDING_OPTIONS,
  from: {
    type: 'string',
    description: 'first receipt time, inclusive: ISO time with zone (2025-06-13T07:50:00Z) or epoch ms',
    placeholder: 'time',
  },
  to: { type: 'string', description: 'last receipt time, exclusive (same forms as --from)', placeholder: 'time' },
  markets: {
    type: 'string',
    description: 'comma-separated unified markets, e.g. BTC/USDT:USDT,ETH/USDT:USDT (default: all)',
    placeholder: 'list',
  },
};

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms from `--name` given as ISO time with a zone or as epoch milliseconds. */
export function timeOption(values: Parsed['values'], name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const text = String(v).trim();
  const ms = /^\d+$/.test(text) ? Number(text) : ISO_WITH_ZONE.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms))
    throw new FbError(
      'E_USAGE',
      `--${name} must be an ISO time with a zone (e.g. 2025-06-13T07:50:00Z) or epoch milliseconds; got ${JSON.stringify(text)}`,
    );
  return ms;
}

function listOption(values: Parsed['values'], name: string): string[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const list = String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length) throw new FbError('E_USAGE', `--${name} needs at least one entry, comma-separated`);
  return list;
}

/** --db, checked to exist (a usage error); what the file holds is judged when it is opened (openRecordingFile). */
function dbOption(values: Parsed['values']): string {
  const db = String(values.db);
  if (!existsSync(db)) throw new FbError('E_USAGE', `--db ${db}: no such file`);
  refuseFolderAsDb(db);
  return db;
}

/** A recordings folder given as --db gets pointed at --recordings. */
export function refuseFolderAsDb(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory() && hasCatalog(path))
    throw new FbError('E_USAGE', `--db ${path} is a recordings folder (it has catalog.json): use --recordings ${path}`);
}

/**
 * The recording named by exactly one of --db <file> and --recordings <dir>. A folder's catalog is
 * read now; its segments are checked and opened when a reader reaches them.
 */
export function recordingOption(values: Parsed['values']): Recording {
  const dir = values.recordings;
  if (dir === undefined) {
    if (values.db === undefined)
      throw new FbError('E_USAGE', '--db <file> or --recordings <dir> is required: the recording to read');
    return fileRecording(dbOption(values));
  }
  if (values.db !== undefined) throw new FbError('E_USAGE', 'give either --db <file> or --recordings <dir>, not both');
  if (typeof dir !== 'string' || dir === '' || !existsSync(dir))
    throw new FbError('E_USAGE', `--recordings ${String(dir)}: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new FbError('E_USAGE', `--recordings ${dir} is a file, not a recordings folder: give it with --db`);
  return openRecordingsDir(dir);
}

export function filterOptions(values: Parsed['values']): ReplayFilter {
  const filter: ReplayFilter = {
    from: timeOption(values, 'from'),
    to: timeOption(values, 'to'),
    markets: listOption(values, 'markets'),
  };
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw new FbError('E_USAGE', '--from must not be after --to');
  const kinds = listOption(values, 'kinds');
  if (kinds) {
    const unknown = kinds.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k));
    if (unknown.length)
      throw new FbError('E_USAGE', `--kinds: unknown kind ${unknown.join(', ')}; kinds are ${EVENT_KINDS.join(', ')}`);
    filter.kinds = kinds as EventKind[];
  }
  return filter;
}
