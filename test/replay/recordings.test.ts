/**
 * The readers over a recordings folder (`--recordings <dir>`): replay, backtest, metrics verify,
 * alerts stats and export read the segments in order as one stream, and agree with the same
 * readers over the single file the folder was cut from. The folder is made from a session
 * recorded the collector's way (events and the engine's output in one transaction), cut into
 * 2-minute segments by the store's own extract, publish and purge code.
 */
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../core/catalog.ts';
import { hasErrorCode } from '../../core/errors.ts';
import type { EventKind, RecordedEvent } from '../../core/events.ts';
import { resolveMetricsConfig } from '../../core/metrics/config.ts';
import { syntheticEvents } from '../../core/metrics/synthetic.ts';
import { runBacktest } from '../../cli/backtest.ts';
import { runExport } from '../../cli/export.ts';
import { runAlerts, runMetrics } from '../../cli/metrics.ts';
import { runReplay } from '../../cli/replay.ts';
import { updateCatalog } from '../../replay/adapters/catalog-file.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openRecordingsDir } from '../../replay/adapters/recordings-dir.ts';
import { nodeScheduler } from '../../replay/adapters/node-scheduler.ts';
import { countEvents, recordingEvents, recordingSource, type Recording } from '../../replay/player/parts.ts';
import { createReplayPlayer } from '../../replay/player/player.ts';
import { summarizeEvents } from '../../replay/player/read-events.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { recordSessions } from '../helpers/record-session.ts';
import { buildRecordingsFolder } from '../helpers/recordings-folder.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = tempDir('fb-recordings-');
const START = Date.UTC(2025, 5, 13, 8);
const PERIOD = 120_000;
const src = join(dir, 'session.db');
const rec = join(dir, 'rec');
let catalog: Catalog;

beforeAll(async () => {
  // 7 minutes, a restart with another config, 7 more: forward returns mature segments later.
  const config = (warmupBuckets: number) => resolveMetricsConfig({ bucketMs: 2000, warmupBuckets, zWindowBuckets: 60 });
  recordSessions(
    src,
    [
      {
        config: config(10),
        events: syntheticEvents({ markets: 6, events: 25_200, startTs: START, rate: 60, seed: 5 }),
      },
      {
        config: config(20),
        events: syntheticEvents({ markets: 6, events: 25_200, startTs: START + 600_000, rate: 60, seed: 6 }),
      },
    ],
    START,
  );
  catalog = await buildRecordingsFolder(src, rec, { periodMs: PERIOD });
});

const closed = () => catalog.segments.filter((s) => !s.open);

async function replay(args: string[]): Promise<string[]> {
  const io = captureIo();
  expect(await runReplay(args, io)).toBe(0);
  return io.stdout.text().split('\n').filter(Boolean);
}

/** A closed segment's SQLite bytes, as a plain file (what the acceptance check replays). */
function unpacked(file: string): string {
  const path = join(dir, `${file}.sqlite`);
  writeFileSync(path, gunzipSync(readFileSync(join(rec, file))));
  return path;
}

/** A copy of the folder whose segment `file` has its SQLite bytes changed by `change`, catalogued anew. */
async function alteredCopy(name: string, file: string, change: (path: string) => void): Promise<string> {
  const copy = join(dir, name);
  await buildRecordingsFolder(src, copy, { periodMs: PERIOD });
  const plain = join(dir, `${name}.sqlite`);
  writeFileSync(plain, gunzipSync(readFileSync(join(copy, file))));
  change(plain);
  const gz = gzipSync(readFileSync(plain));
  writeFileSync(join(copy, file), gz);
  const sha256 = createHash('sha256').update(gz).digest('hex');
  updateCatalog(copy, (c) => ({
    ...c,
    segments: c.segments.map((s) => (s.file === file ? { ...s, sha256, bytes: gz.length } : s)),
  }));
  return copy;
}

describe('a recordings folder', () => {
  it('is cut into several closed segments plus the hot database', () => {
    expect(closed().length).toBeGreaterThanOrEqual(6);
    expect(catalog.segments.filter((s) => s.open).map((s) => s.file)).toEqual(['hot.db']);
  });
});

describe('futuresboard replay --recordings', () => {
  it('prints the whole recording as one stream, exactly as the single file does', async () => {
    const whole = await replay(['--recordings', rec]);
    expect(whole.length).toBe(50_402);
    expect(whole).toEqual(await replay(['--db', src]));
  });

  it('on segment boundaries, equals the segments replayed one by one (seq included)', async () => {
    const segs = closed();
    const each: string[] = [];
    for (const s of segs) each.push(...(await replay(['--db', unpacked(s.file)])));
    const window = ['--from', String(segs[0].from), '--to', String(segs[segs.length - 1].to)];
    expect(await replay(['--recordings', rec, ...window])).toEqual(each);
  });

  it('cuts a window inside segments by receipt time, with the market filter', async () => {
    const w = ['--from', String(START + 150_000), '--to', String(START + 700_000), '--markets', 'C1/USDT:USDT'];
    const got = await replay(['--recordings', rec, ...w]);
    expect(got.length).toBeGreaterThan(100);
    expect(got).toEqual(await replay(['--db', src, ...w]));
    const events = got.map((l) => JSON.parse(l) as RecordedEvent);
    expect(events.every((e) => e.local_ts >= START + 150_000 && e.local_ts < START + 700_000)).toBe(true);
  });

  it('computes the same alerts across segments as over the single file (one engine carried over)', async () => {
    const alerts = await replay(['--recordings', rec, '--alerts']);
    expect(alerts.length).toBeGreaterThan(10);
    expect(alerts).toEqual(await replay(['--db', src, '--alerts']));
  });

  it('skips the hot database rows that closed segments hold, purged or not', async () => {
    const unpurged = join(dir, 'unpurged');
    await buildRecordingsFolder(src, unpurged, { periodMs: PERIOD, purge: false });
    expect(await replay(['--recordings', unpurged])).toEqual(await replay(['--db', src]));
  });

  it('holds at most one part open at a time, and closes it when the reader stops early', () => {
    const folder = openRecordingsDir(rec);
    let open = 0;
    let most = 0;
    const counted: Recording = {
      name: folder.name,
      parts: folder.parts.map((p) => ({
        ...p,
        open: () => {
          const o = p.open();
          most = Math.max(most, ++open);
          const close = o.db.close.bind(o.db);
          o.db.close = () => {
            open--;
            close();
          };
          return o;
        },
      })),
    };
    let n = 0;
    for (const _ of recordingEvents(counted)) n++;
    expect(n).toBe(50_402);
    expect(most).toBe(1);
    for (const e of recordingEvents(counted)) if (e.local_ts >= START + 300_000) break;
    expect(open).toBe(0);
  });
});

describe('reading a recordings folder', () => {
  it('seeks across segments: the player plays on from the target', async () => {
    const target = START + 400_000;
    const player = createReplayPlayer({
      open: recordingSource(openRecordingsDir(rec)),
      scheduler: nodeScheduler(),
      speed: 'max',
    });
    player.seek(target);
    const got: RecordedEvent[] = [];
    await player.run((e) => void got.push(e));
    expect(got.length).toBeGreaterThan(1000);
    expect(got.map((e) => JSON.stringify(e))).toEqual(await replay(['--db', src, '--from', String(target)]));
  });

  it('counts events from the catalog where it can, as the file counts them', () => {
    const folder = openRecordingsDir(rec);
    const db = openNodeDb(src, { readonly: true });
    try {
      for (const filter of [
        {},
        { kinds: ['trade', 'gap'] as EventKind[] },
        { from: START + 150_000, to: START + 700_000, markets: ['C1/USDT:USDT'] },
      ])
        expect(countEvents(folder, filter)).toBe(summarizeEvents(db, filter).count);
    } finally {
      db.close();
    }
  });
});

describe('futuresboard backtest --recordings', () => {
  it('reports what the single file gives', async () => {
    const run = async (args: string[]) => {
      const io = captureIo();
      expect(await runBacktest([...args, '--strategy', 'zscore-revert'], io)).toBe(0);
      return io.stdout.text();
    };
    const report = await run(['--recordings', rec]);
    expect(report).toMatch(/^# Backtest: zscore-revert/);
    expect(report).toBe(await run(['--db', src]));
  });
});

function lines(fn: (argv: string[], out: (s: string) => void) => Promise<number>, argv: string[]) {
  const out: string[] = [];
  return fn(argv, (s) => void out.push(s)).then((code) => ({ code, text: out.join('\n') }));
}

describe('futuresboard metrics verify --recordings', () => {
  it('recomputes across the segments and finds what each stored', async () => {
    const one = await lines(runMetrics, ['verify', '--db', src]);
    const folder = await lines(runMetrics, ['verify', '--recordings', rec]);
    expect(folder.code).toBe(0);
    expect(folder.text).toContain('OK, identical');
    const counts = (t: string) => /recomputed from (\d+) events; compared (\d+) metric rows and (\d+) alerts/.exec(t)!;
    expect(counts(folder.text).slice(1)).toEqual(counts(one.text).slice(1));
    expect(Number(counts(folder.text)[2])).toBeGreaterThan(1000);
  });

  it('fails, naming the segment, the row and the column, when a stored metric row was altered', async () => {
    const victim = closed()[3].file;
    let id = 0;
    const copy = await alteredCopy('altered', victim, (path) => {
      const db = openNodeDb(path);
      id = Number(db.all<{ id: number }>('SELECT id FROM metric_rows ORDER BY id LIMIT 1 OFFSET 5')[0].id);
      db.run('UPDATE metric_rows SET cvd = cvd + 1 WHERE id = ?', [id]);
      db.close();
    });
    const { code, text } = await lines(runMetrics, ['verify', '--recordings', copy]);
    expect(code).toBe(1);
    expect(text).toContain('1 difference(s)');
    expect(text).toMatch(new RegExp(`metrics ${victim.replace(/\./g, '\\.')} id ${id}: .*: cvd: stored `));
    // A window compares only its own rows: one that ends before the altered segment passes.
    const before = ['--from', String(START), '--to', String(closed()[3].from)];
    expect((await lines(runMetrics, ['verify', '--recordings', copy, ...before])).code).toBe(0);
    expect((await lines(runMetrics, ['verify', '--recordings', copy, '--from', String(closed()[3].from)])).code).toBe(
      1,
    );
  });

  it('compares exactly the rows of a window and its markets', async () => {
    const from = START + 150_000;
    const to = START + 700_000;
    const w = ['--from', String(from), '--to', String(to), '--markets', 'C1/USDT:USDT'];
    const { code, text } = await lines(runMetrics, ['verify', '--recordings', rec, ...w]);
    expect(code).toBe(0);
    const db = openNodeDb(src, { readonly: true });
    const where = "local_ts >= ? AND local_ts < ? AND market = 'C1/USDT:USDT'";
    const count = (table: string) =>
      Number(db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, [from, to])[0].n);
    const [rows, alerts] = [count('metrics'), count('alerts')];
    db.close();
    expect(rows).toBeGreaterThan(100);
    expect(text).toContain(`compared ${rows} metric rows and ${alerts} alerts`);
  });
});

describe('futuresboard alerts stats --recordings', () => {
  it('equals the stats of the single file, returns recorded in later segments included', async () => {
    const one = await lines(runAlerts, ['stats', '--db', src, '--json']);
    const folder = await lines(runAlerts, ['stats', '--recordings', rec, '--json']);
    expect(folder.code).toBe(0);
    expect(JSON.parse(folder.text)).toEqual(JSON.parse(one.text));
    const w = ['--from', String(START + 150_000), '--to', String(START + 700_000), '--markets', 'C1/USDT:USDT'];
    const windowed = JSON.parse((await lines(runAlerts, ['stats', '--recordings', rec, ...w, '--json'])).text);
    expect(windowed).toEqual(JSON.parse((await lines(runAlerts, ['stats', '--db', src, ...w, '--json'])).text));
    const all = (stats: { tier: unknown; alerts: number }[]) => stats.find((t) => t.tier === 'all')!.alerts;
    expect(all(windowed)).toBeGreaterThan(0);
    expect(all(windowed)).toBeLessThan(all(JSON.parse(one.text)));
    // The folding is exercised: some segment holds returns of alerts that fired in an earlier one.
    let later = 0;
    const seen = new Set<string>();
    for (const s of closed()) {
      const db = openNodeDb(unpacked(s.file), { readonly: true });
      const key = 'exchange || symbol || bucket_ts || rule || direction';
      for (const r of db.all<{ k: string }>(`SELECT ${key} AS k FROM alert_returns`)) if (seen.has(r.k)) later++;
      for (const r of db.all<{ k: string }>(`SELECT ${key} AS k FROM alert_rows`)) seen.add(r.k);
      db.close();
    }
    expect(later).toBeGreaterThan(0);
  });
});

describe('futuresboard export --recordings', () => {
  it('writes one v2 file for the window that replays as the window does', async () => {
    const out = join(dir, 'window.sqlite');
    const w = ['--from', String(START + 150_000), '--to', String(START + 700_000)];
    const printed: string[] = [];
    expect(await runExport(['--recordings', rec, '--out', out, ...w], (s) => void printed.push(s))).toBe(0);
    expect(printed[0]).toMatch(new RegExp(`^export: wrote ${out} \\(\\d+ bytes, \\d+ ms\\)$`));
    const replayed = await replay(['--db', out]);
    expect(replayed.length).toBeGreaterThan(1000);
    expect(replayed).toEqual(await replay(['--recordings', rec, ...w]));
    expect(printed[1]).toBe(`export: events: ${replayed.length} ${printed[1].slice(printed[1].indexOf('('))}`);
  });

  it('without a window, writes the whole folder, hot database included', async () => {
    const out = join(dir, 'whole.sqlite');
    expect(await runExport(['--recordings', rec, '--out', out], () => undefined)).toBe(0);
    expect(await replay(['--db', out])).toEqual(await replay(['--db', src]));
  });
});

describe('a bad recordings folder', () => {
  const refused = async (args: string[]) => {
    const err = await runReplay(args, captureIo()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(hasErrorCode(err)).toBe(true);
    return err as Error & { code: string; exitCode: number };
  };

  it('without a catalog is refused in one line (exit 1), naming the folder', async () => {
    const err = await refused(['--recordings', dir]);
    expect([err.code, err.exitCode]).toEqual(['E_CATALOG', 1]);
    expect(err.message).toBe(
      `${dir} has no catalog.json, so it is not a recordings folder; give the folder the collector records into (store.dir), or one file with --db`,
    );
  });

  it('with a changed segment is refused before anything is read from it', async () => {
    const copy = join(dir, 'tampered');
    await buildRecordingsFolder(src, copy, { periodMs: PERIOD });
    const victim = join(copy, closed()[2].file);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(victim, bytes);
    const err = await refused(['--recordings', copy]);
    expect([err.code, err.exitCode]).toEqual(['E_CATALOG', 1]);
    expect(err.message).toBe(
      `${victim} differs from its sha256 in catalog.json (changed or damaged since it was closed); run \`futuresboard recordings verify --recordings ${copy}\``,
    );
    // A segment cut short is caught by its size before the replay prints anything.
    const cut = join(copy, closed()[4].file);
    const whole = readFileSync(cut);
    writeFileSync(cut, whole.subarray(0, 100));
    const io = captureIo();
    await expect(runReplay(['--recordings', copy], io)).rejects.toThrow(
      `${cut} has 100 bytes, catalog.json says ${whole.length} (changed or cut since it was closed); run \`futuresboard recordings verify --recordings ${copy}\``,
    );
    expect(io.stdout.text()).toBe('');
  });

  it('with a missing segment says so in one line on stderr and exits 1', async () => {
    const copy = join(dir, 'missing');
    await buildRecordingsFolder(src, copy, { periodMs: PERIOD });
    const victim = join(copy, closed()[1].file);
    renameSync(victim, `${victim}.away`);
    const child = spawn(process.execPath, ['bin/futuresboard', 'replay', '--recordings', copy], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `futuresboard replay: ${victim} is listed in catalog.json but is missing; run \`futuresboard recordings verify --recordings ${copy}\`\n`,
    );
  });

  it('is not taken for a file, nor given with a file', async () => {
    const usage = async (args: string[]) => {
      const err = await refused(args);
      expect(err.exitCode).toBe(2);
      return err.message;
    };
    expect(await usage(['--db', rec])).toBe(
      `--db ${rec} is a recordings folder (it has catalog.json): use --recordings ${rec}`,
    );
    expect(await usage(['--db', src, '--recordings', rec])).toBe(
      'give either --db <file> or --recordings <dir>, not both',
    );
    expect(await usage(['--recordings', src])).toBe(
      `--recordings ${src} is a file, not a recordings folder: give it with --db`,
    );
    expect(await usage(['--recordings', join(dir, 'nowhere')])).toBe(
      `--recordings ${join(dir, 'nowhere')}: no such folder`,
    );
  });
});
