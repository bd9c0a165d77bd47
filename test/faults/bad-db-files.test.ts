/**
 * Every command that opens a database, pointed at a file it must refuse: garbage, empty, a
 * real recording cut off halfway, a directory, a newer futuresboard's database and another
 * program's SQLite file. Readers (replay, backtest, metrics verify, alerts stats, export) and
 * writers (import, collect) answer with one line naming the file and what is wrong, exit
 * non-zero, and leave the file exactly as it was: same bytes, no -wal/-shm, no lock. A path
 * with nothing there yet (or a 0-byte file) is still a new database for a writer.
 *
 * The command matrix runs in-process through cli/main.ts's main() (its error mapping is what
 * turns a refusal into one line); the daemon and a reader also run as real processes. The
 * continuity snapshot and the site build, which read the database too, note the same line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { readDatabaseStats } from '../../continuity/database-stats.ts';
import { openSource } from '../../src/build-data/open-source.ts';
import { BAD_FILES, fingerprint, makeBadFiles, type BadFile } from '../helpers/bad-db-files.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fb-bad-db-');
const files = makeBadFiles(dir);

// One Binance aggTrade in the capture format: enough for import to write a database.
const capture = join(dir, 'capture.jsonl');
writeFileSync(
  capture,
  [
    {
      t: 'connect',
      conn: 'c1',
      ts: 1767225600.0,
      addr: 'wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade',
    },
    {
      t: 'recv',
      conn: 'c1',
      ts: 1767225600.5,
      data: JSON.stringify({
        stream: 'btcusdt@aggTrade',
        data: {
          e: 'aggTrade',
          E: 1767225600400,
          a: 1,
          s: 'BTCUSDT',
          p: '65000.10',
          q: '0.010',
          f: 1,
          l: 1,
          T: 1767225600300,
          m: false,
        },
      }),
    },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n') + '\n',
);

/** What each refusal says is wrong (after naming the file). */
const SAYS: Record<BadFile, RegExp> = {
  garbage: /is not a readable SQLite database \(it does not start with the SQLite header\)/,
  empty: /is empty \(0 bytes\), not a futuresboard recording/,
  truncated: /is not a readable SQLite database: it is truncated \(its header describes \d+ bytes, the file has \d+\)/,
  directory: /is a directory, not a database file/,
  newer: /database schema version 99 is newer than this futuresboard \(knows \d+\); upgrade futuresboard/,
  foreign: /is SQLite but not a futuresboard recording/,
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `futuresboard <argv>` in this process, with what it printed. */
async function cli(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

/** `futuresboard <argv>` as a user runs it: the real bin in a child process. */
function bin(argv: string[]): Promise<Run> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['bin/futuresboard', ...argv], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    ),
  );
}

/** Exactly one line on stderr, naming `path`, saying `says`, with no stack trace; nothing on stdout. */
function expectOneLine(r: Run, path: string, says: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(says);
  expect(lines[0]).not.toMatch(/SqliteError|TypeError|node:internal/);
}

const READERS: Record<string, string[]> = {
  replay: ['replay', '--db'],
  backtest: ['backtest', '--strategy', 'zscore-revert', '--db'],
  'metrics verify': ['metrics', 'verify', '--db'],
  'alerts stats': ['alerts', 'stats', '--db'],
  export: ['export', '--out', join(dir, 'copy.sqlite'), '--db'],
};

describe.each(Object.entries(READERS))('futuresboard %s', (_name, argv) => {
  it.each(BAD_FILES)('refuses the %s file with one line and leaves it untouched', async (bad) => {
    const path = files[bad];
    const before = fingerprint(path);
    expectOneLine(await cli([...argv, path]), path, SAYS[bad]);
    expect(fingerprint(path)).toEqual(before);
    expect(before.companions).toEqual([]);
  });
});

describe('writers refuse a file that is not theirs before writing anything', () => {
  const refused = BAD_FILES.filter((b) => b !== 'empty');

  it.each(refused)('import refuses the %s file', async (bad) => {
    const path = files[bad];
    const before = fingerprint(path);
    expectOneLine(
      await cli(['import', capture, '--db', path]),
      path,
      bad === 'foreign'
        ? /not a futuresboard recording \(it has other tables: users\); futuresboard writes only its own databases/
        : SAYS[bad],
    );
    expect(fingerprint(path)).toEqual(before);
  });

  it('collect refuses a foreign and a newer file as a real process: exit 1, no WAL switch, no lock left', async () => {
    for (const bad of ['foreign', 'newer'] as const) {
      const path = files[bad];
      const before = fingerprint(path);
      const r = await bin(['collect', '--db', path, '--port', '0']);
      expectOneLine(
        r,
        path,
        bad === 'foreign' ? /not a futuresboard recording \(it has other tables: users\)/ : SAYS.newer,
      );
      expect(r.code).toBe(1);
      expect(fingerprint(path)).toEqual(before);
    }
  });

  it('an unwritable path gets one line: a folder that is a file, a lock that is not a file, a folder that takes no new files', async () => {
    const underFile = join(files.garbage, 'x.db');
    expectOneLine(
      await cli(['import', capture, '--db', underFile]),
      underFile,
      /cannot be written \(ENOTDIR\); choose a database path in a writable folder/,
    );

    const locked = join(dir, 'locked', 'x.db');
    mkdirSync(`${locked}.lock`, { recursive: true });
    expectOneLine(
      await cli(['import', capture, '--db', locked]),
      `${locked}.lock`,
      /exists but cannot be read \(EISDIR\); remove it if no futuresboard process writes/,
    );
    expect(existsSync(locked)).toBe(false);

    // procfs refuses new files even to root: the lock cannot be created (the ENOENT …lock of the issue).
    if (existsSync('/proc/self')) {
      const proc = `/proc/futuresboard-${process.pid}.db`;
      expectOneLine(
        await cli(['import', capture, '--db', proc]),
        `${proc}.lock`,
        /cannot create the lock file .* \(ENOENT\); choose a database path in a writable folder/,
      );
    }
  });

  it('a path with nothing there yet, or a 0-byte file, is a new database', async () => {
    const fresh = join(dir, 'new', 'folder', 'fresh.db');
    const zero = join(dir, 'zero.db');
    writeFileSync(zero, '');
    for (const path of [fresh, zero]) {
      const r = await cli(['import', capture, '--db', path]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/imported 1 events/);
      const replayed = await cli(['replay', '--db', path]);
      expect(replayed.code).toBe(0);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ kind: 'trade', market: 'BTC/USDT:USDT', price: '65000.10' });
      // The writer released its lock on exit.
      expect(existsSync(`${path}.lock`)).toBe(false);
    }
  });
});

it('a reader run as a real process answers a garbage file with one line', async () => {
  const r = await bin(['replay', '--db', files.garbage]);
  expectOneLine(r, files.garbage, SAYS.garbage);
  expect(r.code).toBe(1);
});

describe('other readers of the database note the same one line', () => {
  it.each(BAD_FILES)('continuity database stats on the %s file', (bad) => {
    const before = fingerprint(files[bad]);
    const stats = readDatabaseStats(files[bad], `data/${bad}.db`, null);
    expect(stats.problems).toHaveLength(1);
    expect(stats.problems[0]).toMatch(SAYS[bad]);
    expect(stats.problems[0].startsWith(`data/${bad}.db`)).toBe(true);
    expect(fingerprint(files[bad])).toEqual(before);
  });

  it('the site build takes no data from a foreign or newer file, and says why', () => {
    for (const bad of ['foreign', 'newer'] as const) {
      vi.stubEnv('FUTURESBOARD_SITE_DB', files[bad]);
      const opened = openSource();
      vi.unstubAllEnvs();
      expect(opened.db).toBeNull();
      expect(opened.source.note).toMatch(SAYS[bad]);
    }
  });
});
