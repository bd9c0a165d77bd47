/**
 * `futuresboard recordings` on a real folder: gzip-compressed SQLite segment files with their
 * store_meta, a hot database, and a catalog written by the real catalog writer.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Catalog, SegmentEntry } from '../core/catalog.ts';
import { FbError } from '../core/errors.ts';
import { resolveMetricsConfig } from '../core/metrics/config.ts';
import { syntheticEvents } from '../core/metrics/synthetic.ts';
import { readCatalog, writeCatalog } from '../replay/adapters/catalog-file.ts';
import { recordSessions } from '../test/helpers/record-session.ts';
import { buildRecordingsFolder } from '../test/helpers/recordings-folder.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { runRecordings } from './recordings.ts';

const root = tempDir('fb-recordings-');
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 5);
let folders = 0;

/** `seg-YYYYMMDDTHHMMZ` for a period start. */
const segName = (from: number) => `seg-${new Date(from).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;

/**
 * A closed segment file for hour `h` after `t0` with `events` trades, and its catalog entry;
 * `meta` overrides what its store_meta says.
 */
function writeSegment(
  dir: string,
  h: number,
  events: number,
  { meta = {}, t0 = T0 }: { meta?: Record<string, number>; t0?: number } = {},
): SegmentEntry {
  const from = t0 + h * HOUR;
  const seqFrom = h * 1000 + 1;
  const entry: Omit<SegmentEntry, 'bytes' | 'sha256'> = {
    file: `${segName(from)}.sqlite.gz`,
    from,
    to: from + HOUR,
    events,
    markets: ['BTC/USDT:USDT'],
    open: false,
    seq_from: seqFrom,
    seq_to: seqFrom + events - 1,
    kinds: { trade: events },
  };
  const plain = join(dir, 'plain.sqlite');
  const db = new Database(plain);
  db.exec('CREATE TABLE store_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID');
  db.exec('CREATE TABLE trade_rows (seq INTEGER PRIMARY KEY, m INTEGER, t INTEGER, price INTEGER, qty INTEGER)');
  const put = db.prepare('INSERT INTO store_meta VALUES (?, ?)');
  const stored = { from, to: from + HOUR, events, seq_from: entry.seq_from!, seq_to: entry.seq_to!, ...meta };
  for (const [k, v] of Object.entries(stored)) put.run(k, v);
  const trade = db.prepare('INSERT INTO trade_rows VALUES (?, 1, ?, 6500010, 1)');
  db.transaction(() => {
    for (let i = 0; i < events; i++) trade.run(seqFrom + i, i);
  })();
  db.close();
  const gz = gzipSync(readFileSync(plain));
  rmSync(plain);
  writeFileSync(join(dir, entry.file), gz);
  return { ...entry, bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };
}

/** A recordings folder: closed segments of `sizes[i]` events in hours 0.. after `t0`, then the hot database. */
function folder(sizes: number[], pins: Catalog['pins'] = [], t0 = T0): { dir: string; catalog: Catalog } {
  const dir = join(root, `rec-${++folders}`);
  mkdirSync(dir);
  const segments = sizes.map((n, h) => writeSegment(dir, h, n, { t0 }));
  const hot = new Database(join(dir, 'hot.db'));
  hot.exec('CREATE TABLE filler (x)');
  hot.close();
  const h = sizes.length;
  segments.push({
    file: 'hot.db',
    from: t0 + h * HOUR,
    to: t0 + (h + 1) * HOUR,
    events: 7,
    bytes: 0,
    sha256: null,
    markets: ['BTC/USDT:USDT'],
    open: true,
    seq_from: h * 1000 + 1,
    seq_to: h * 1000 + 7,
    kinds: { trade: 7 },
  });
  const catalog: Catalog = { version: 1, segment: '1h', segments, pins };
  writeCatalog(dir, catalog);
  return { dir, catalog };
}

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runRecordings(argv, (s) => lines.push(s));
  return { code, lines };
}

/** The one-line usage error `argv` gives. */
async function refusal(argv: string[]): Promise<string> {
  try {
    await run(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(FbError);
    expect((err as FbError).exitCode).toBe(2);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('futuresboard recordings', () => {
  it('has help for the command and each subcommand', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const sub of ['list', 'verify', 'prune', 'pin', 'unpin']) expect(top.lines[0]).toContain(`  ${sub} `);
    const pinHelp = await run(['pin', '--help']);
    expect(pinHelp.lines[0]).toMatch(
      /^Usage: futuresboard recordings pin <name> --recordings <dir> --from <time> --to <time> \[--json\]\n/,
    );
    expect(await refusal(['list'])).toBe(
      "--recordings <dir> is required: the recordings folder (the collector's store.dir)",
    );
    expect(await refusal(['list', '--recordings', root])).toMatch(/: no catalog\.json in this folder; give the folder/);
  });

  it('lists each segment with its UTC period, state, events, size and markets, then totals and pins', async () => {
    const { dir, catalog } = folder(
      [1200, 30],
      [{ name: 'fomc', from: T0 + HOUR, to: T0 + HOUR + 60_000, pinned_ts: T0 }],
    );
    const { code, lines } = await run(['list', '--recordings', dir]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^2026-12-02T05:00:00Z → 2026-12-02T06:00:00Z {2}closed {2}1,200 events {2}\s*[\d.]+ KiB {2}1 market {2}seg-20261202T0500Z\.sqlite\.gz$/,
    );
    expect(lines[1]).toMatch(
      /^2026-12-02T06:00:00Z → 2026-12-02T07:00:00Z {2}pinned .* 30 events .*seg-20261202T0600Z/,
    );
    expect(lines[2]).toMatch(/^2026-12-02T07:00:00Z → 2026-12-02T08:00:00Z {2}open .* 7 events .*hot\.db$/);
    expect(lines[3]).toMatch(
      /^total: 3 segments \(2 closed, 1 open\), 1,237 events, [\d.]+ KiB closed, 2026-12-02T05:00:00Z → 2026-12-02T08:00:00Z$/,
    );
    expect(lines[4]).toBe('pin fomc: 2026-12-02T06:00:00Z → 2026-12-02T06:01:00Z (pinned 2026-12-02T05:00:00Z)');
    const json = await run(['list', '--recordings', dir, '--json']);
    expect(JSON.parse(json.lines.join('\n'))).toEqual(catalog);
  });

  it('verifies a sound folder, then reports each damaged, missing, mislabelled and orphan file, exiting 1', async () => {
    const { dir, catalog } = folder([50, 60, 70, 80, 90]);
    const ok = await run(['verify', '--recordings', dir]);
    expect(ok).toEqual({
      code: 0,
      lines: [
        'verify: OK, 5 closed segments match the catalog (size, sha256, gzip, integrity, seq range, events); no orphan files',
      ],
    });
    const [a, b, c, d, e] = catalog.segments;
    // a: one byte changed in place (same size); b: gone; c: not gzip at all, catalogued as it is.
    const bytes = readFileSync(join(dir, a.file));
    bytes[bytes.length - 12] ^= 0xff;
    writeFileSync(join(dir, a.file), bytes);
    rmSync(join(dir, b.file));
    const notGzip = Buffer.from('plain text, not gzip');
    writeFileSync(join(dir, c.file), notGzip);
    // d: a sound file whose store_meta says another seq range than the catalog.
    const relabelled = writeSegment(dir, 3, 80, { meta: { seq_to: 9 } });
    // e: gzip of bytes that are not SQLite.
    const garbage = gzipSync(Buffer.alloc(8192, 7));
    writeFileSync(join(dir, e.file), garbage);
    const sha = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
    const changed = catalog.segments.map((s) =>
      s === c
        ? { ...s, bytes: notGzip.length, sha256: sha(notGzip) }
        : s === d
          ? relabelled
          : s === e
            ? { ...s, bytes: garbage.length, sha256: sha(garbage) }
            : s,
    );
    writeCatalog(dir, { ...catalog, segments: changed });
    writeFileSync(join(dir, 'seg-20261201T0000Z.sqlite.gz'), gzipSync(Buffer.from('stray')));
    const bad = await run(['verify', '--recordings', dir]);
    expect(bad.code).toBe(1);
    expect(bad.lines).toHaveLength(7);
    expect(bad.lines[0]).toMatch(new RegExp(`^${a.file}: sha256 [0-9a-f]{64}, the catalog says ${a.sha256}$`));
    expect(bad.lines[1]).toBe(`${b.file}: missing`);
    expect(bad.lines[2]).toMatch(new RegExp(`^${c.file}: does not gunzip \\(`));
    expect(bad.lines[3]).toBe(`${d.file}: store_meta differs: seq_to 9 in the file, ${d.seq_to} in the catalog`);
    expect(bad.lines[4]).toBe(`${e.file}: not a readable SQLite file (file is not a database)`);
    expect(bad.lines[5]).toBe(
      'seg-20261201T0000Z.sqlite.gz: not in the catalog (an orphan: retention never deletes it)',
    );
    expect(bad.lines[6]).toBe('verify: 6 problem(s); 5 closed segments checked');
    const json = JSON.parse((await run(['verify', '--recordings', dir, '--json'])).lines.join('\n'));
    expect(json).toMatchObject({ dir, checked: 5, ok: false });
    expect(json.problems.map((p: { file: string }) => p.file)).toEqual([
      a.file,
      b.file,
      c.file,
      d.file,
      e.file,
      'seg-20261201T0000Z.sqlite.gz',
    ]);
  });

  it('finds nothing wrong with a folder the segment code wrote, and lists it', async () => {
    const src = join(root, 'session.db');
    const start = Date.UTC(2026, 10, 3, 8);
    const config = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 5, zWindowBuckets: 30 });
    recordSessions(
      src,
      [{ config, events: syntheticEvents({ markets: 4, events: 2000, startTs: start, rate: 50, seed: 9 }) }],
      start,
    );
    const dir = join(root, 'written');
    const catalog = await buildRecordingsFolder(src, dir, { periodMs: 10_000 });
    const closed = catalog.segments.filter((s) => !s.open).length;
    expect(closed).toBeGreaterThan(2);
    expect(await run(['verify', '--recordings', dir])).toEqual({
      code: 0,
      lines: [
        `verify: OK, ${closed} closed segments match the catalog (size, sha256, gzip, integrity, seq range, events); no orphan files`,
      ],
    });
    const { lines } = await run(['list', '--recordings', dir]);
    expect(lines).toHaveLength(closed + 3);
    expect(lines[0]).toMatch(
      /^2026-11-03T08:00:00Z → 2026-11-03T08:00:10Z {2}closed .* seg-20261103T0800Z\.sqlite\.gz$/,
    );
  });

  it('prunes the oldest unpinned closed segments, catalog and files, and never the hot one', async () => {
    // Years old, so that the age limit below applies whatever today is.
    const t0 = Date.UTC(2021, 0, 4);
    const pins = [{ name: 'keep', from: t0, to: t0 + HOUR, pinned_ts: t0 }];
    const { dir, catalog } = folder([40, 40, 40, 40], pins, t0);
    const [s0, s1, s2, s3, hot] = catalog.segments;
    // Room for the hot database and two segments: the pinned oldest stays, so the next two go.
    const limit = String(s0.bytes + s3.bytes + statSync(join(dir, hot.file)).size);
    const dry = await run(['prune', '--recordings', dir, '--max-bytes', limit, '--max-age', '100000d', '--dry-run']);
    expect(dry.lines.slice(0, -1).map((l) => l.split(' ')[2])).toEqual([s1.file, s2.file]);
    expect(dry.lines.at(-1)).toMatch(/^prune: would delete 2 segments, /);
    expect(readCatalog(dir)).toEqual(catalog);
    const done = await run(['prune', '--recordings', dir, '--max-bytes', limit, '--max-age', '100000d', '--json']);
    expect(JSON.parse(done.lines.join('\n'))).toMatchObject({ dryRun: false, deleted: [s1, s2] });
    expect(readCatalog(dir).segments).toEqual([s0, s3, hot]);
    expect([s0, s1, s2, s3, hot].map((s) => existsSync(join(dir, s.file)))).toEqual([true, false, false, true, true]);
    // By age, from a config file: everything closed is years old; the pin still holds s0.
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ store: { retain: { maxAge: '30d', maxBytes: null } } }));
    expect((await run(['prune', '--recordings', dir, '--config', config])).lines.at(-1)).toMatch(
      /^prune: deleted 1 segment, /,
    );
    expect(readCatalog(dir).segments).toEqual([s0, hot]);
    expect(await refusal(['prune', '--recordings', dir, '--max-bytes', 'lots'])).toBe(
      '--max-bytes: must be a size such as "500MB", "50GB" or "1.5TiB" (a plain integer is bytes), got "lots"',
    );
  });

  it('pins and unpins named sessions, refusing bad names, empty periods and duplicates', async () => {
    const { dir } = folder([10]);
    const pinned = await run([
      'pin',
      'fomc-2026.12',
      '--recordings',
      dir,
      '--from',
      '2026-12-02T05:30:00Z',
      '--to',
      String(T0 + HOUR),
    ]);
    expect(pinned.lines).toEqual([
      'pinned fomc-2026.12: 2026-12-02T05:30:00Z → 2026-12-02T06:00:00Z; retention keeps the segments overlapping it',
    ]);
    expect(readCatalog(dir).pins).toMatchObject([{ name: 'fomc-2026.12', from: T0 + HOUR / 2, to: T0 + HOUR }]);
    const args = ['--recordings', dir, '--from', String(T0), '--to', String(T0 + 1)];
    expect(await refusal(['pin', 'fomc-2026.12', ...args])).toBe(
      'a pin named fomc-2026.12 exists; unpin it first or choose another name',
    );
    expect(await refusal(['pin', 'fomc 2026', ...args])).toBe(
      'pin name "fomc 2026": use only letters, digits, ".", "_" and "-"',
    );
    expect(await refusal(['pin', 'x', '--recordings', dir, '--from', String(T0), '--to', String(T0)])).toBe(
      '--from must be before --to (the period is [from, to))',
    );
    expect(await refusal(['pin', 'x', '--recordings', dir, '--from', 'yesterday', '--to', String(T0)])).toMatch(
      /^--from must be an ISO time with a zone/,
    );
    expect(await refusal(['pin', ...args])).toBe('recordings pin needs exactly one <name> (see --help)');
    const gone = await run(['unpin', 'fomc-2026.12', '--recordings', dir, '--json']);
    expect(JSON.parse(gone.lines.join('\n'))).toMatchObject({ name: 'fomc-2026.12', from: T0 + HOUR / 2 });
    expect(readCatalog(dir).pins).toEqual([]);
    expect(await refusal(['unpin', 'fomc-2026.12', '--recordings', dir])).toBe(
      `no pin named fomc-2026.12 in ${dir}; \`futuresboard recordings list\` shows the pins`,
    );
  });

  it('runs from the futuresboard command: exit 1 on a damaged folder, 2 on a usage error, one line each', () => {
    const { dir, catalog } = folder([20]);
    rmSync(join(dir, catalog.segments[0].file));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['bin/futuresboard', 'recordings', ...args], { encoding: 'utf8', timeout: 60_000 });
    const verify = cli(['verify', '--recordings', dir]);
    expect([verify.status, verify.stdout, verify.stderr]).toEqual([
      1,
      `${catalog.segments[0].file}: missing\nverify: 1 problem(s); 1 closed segments checked\n`,
      '',
    ]);
    const usage = cli(['pin', 'x', '--recordings', dir]);
    expect([usage.status, usage.stderr]).toEqual([
      2,
      'futuresboard recordings: recordings pin needs --from <time> and --to <time>: the period to keep\n',
    ]);
  });
});
