/** `futuresboard migrate --db <old.db> --out <dir> [--segment 1h]`: a v1 recording as v2 segments (collector/store/migrate-v1.ts). */
import { FbError } from '../core/errors.ts';
import { SEGMENT_MS, type SegmentLength } from '../collector/config/schema.ts';
import { VERSION } from '../collector/version.ts';
import { migrateV1 } from '../collector/store/migrate-v1.ts';
import { parseCommand, type CommandSpec } from './kit.ts';
import { Progress } from './progress.ts';

const LENGTHS = Object.keys(SEGMENT_MS) as SegmentLength[];

const SPEC: CommandSpec = {
  usage: 'futuresboard migrate --db <old.db> --out <dir> [--segment 1h]',
  summary:
    'Turn a v1 recording (one SQLite file, schema version 1 or 2) into a recordings folder: one compact, gzip-compressed v2 segment ' +
    'per UTC period with events, and catalog.json, as the collector writes with store.dir. Events keep their seq, so ' +
    '`replay --recordings <dir>` gives the events of `replay --db <old.db>`; metric rows and alerts go with the events that produced them. ' +
    'The old file is only read. The catalog is written last: after a failure the folder holds nothing of the run.',
  options: {
    db: { type: 'string', placeholder: 'file', description: 'the v1 recording to convert (left as it is)' },
    out: {
      type: 'string',
      placeholder: 'dir',
      description: 'recordings folder to create (new, or without a catalog.json)',
    },
    segment: {
      type: 'string',
      placeholder: 'length',
      description: `segment length: ${LENGTHS.join(', ')}`,
      default: '1h',
    },
  },
};

export async function runMigrate(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC);
  if (!parsed) return 0;
  const v = parsed.values as Record<string, string | undefined>;
  if (!v.db) throw new FbError('E_USAGE', '--db is required: the v1 recording to convert (see --help)');
  if (!v.out) throw new FbError('E_USAGE', '--out is required: the recordings folder to write (see --help)');
  const segment = v.segment as SegmentLength;
  if (!LENGTHS.includes(segment))
    throw new FbError('E_USAGE', `--segment must be one of ${LENGTHS.join(', ')}, got ${JSON.stringify(v.segment)}`);
  const progress = new Progress('migrate', 0);
  const r = await migrateV1(v.db, v.out, {
    segment,
    periodMs: SEGMENT_MS[segment],
    codeVersion: VERSION,
    onProgress: (events, total) => {
      progress.total = total;
      progress.update(events, `${events} events`);
    },
  });
  progress.done(`${r.events} events`);
  const bytes = r.segments.reduce((n, s) => n + s.bytes, 0);
  process.stdout.write(
    `migrated ${r.events} events, ${r.metrics} metric rows and ${r.alerts} alerts from ${v.db} into ${r.segments.length} segments in ${v.out} (${bytes} bytes compressed)\n`,
  );
  return 0;
}
