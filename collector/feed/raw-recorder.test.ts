/**
 * The raw archive's files: one gzip file per UTC period, each opening with a header of the same
 * session, never appended to by a later session; the import finds them in recording order.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { RawRecorder } from './raw-recorder.ts';
import { captureFiles, recordingOrder } from './raw-files.ts';

const dir = tempDir();
const MINUTE = 60_000;
/** 2026-12-02 05:00 UTC. */
const T0 = Date.UTC(2026, 11, 2, 5, 0);

const linesOf = (path: string) =>
  gunzipSync(readFileSync(path))
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('RawRecorder', () => {
  it('starts a gzip file with its own header on every UTC period, named after the period', async () => {
    const sub = join(dir, 'rotate');
    const rec = new RawRecorder(join(sub, 'raw.jsonl'), { note: 'n' }, { periodMs: MINUTE, now: () => T0 + 30_000 });
    rec.recv('c', 'a', T0 + 30_000);
    rec.recv('c', 'b', T0 + MINUTE); // the boundary belongs to the next period
    rec.recv('c', 'c', T0 + 3 * MINUTE + 5); // periods without frames have no file
    await rec.close();

    expect(readdirSync(sub).sort()).toEqual([
      'raw.20261202T0500Z.jsonl.gz',
      'raw.20261202T0501Z.jsonl.gz',
      'raw.20261202T0503Z.jsonl.gz',
      'raw.jsonl',
    ]);
    // The --raw path itself links to the newest file and stands for all of them.
    expect(readlinkSync(join(sub, 'raw.jsonl'))).toBe('raw.20261202T0503Z.jsonl.gz');
    const files = captureFiles(join(sub, 'raw.jsonl')).map(linesOf);
    expect(files.map((f) => f.map((l) => l.t))).toEqual([
      ['header', 'recv'],
      ['header', 'recv'],
      ['header', 'recv'],
    ]);
    expect(files.map((f) => f[1].data)).toEqual(['a', 'b', 'c']);
    const headers = files.map((f) => f[0]);
    expect(headers.map((h) => h.part)).toEqual([1, 2, 3]);
    expect(new Set(headers.map((h) => h.session)).size).toBe(1);
    expect(headers.every((h) => h.note === 'n' && h.format === 2 && typeof h.session === 'string')).toBe(true);
  });

  it('gives a restart within a period a file of its own and a new session', async () => {
    const sub = join(dir, 'restart');
    const at = { periodMs: MINUTE, now: () => T0 + 1000 };
    for (const data of ['first', 'second']) {
      const rec = new RawRecorder(join(sub, 'raw.jsonl'), {}, at);
      rec.recv('c', data, T0 + 1000);
      await rec.close();
    }
    const files = captureFiles(join(sub, 'raw.jsonl'));
    expect(files.map((f) => f.slice(sub.length + 1))).toEqual([
      'raw.20261202T0500Z.jsonl.gz',
      'raw.20261202T0500Z_2.jsonl.gz',
    ]);
    const [a, b] = files.map(linesOf);
    expect([a[1].data, b[1].data]).toEqual(['first', 'second']);
    expect(a[0].session).not.toBe(b[0].session);
    expect([a[0].part, b[0].part]).toEqual([1, 1]);
  });
});

describe('captureFiles', () => {
  it('orders rotated files by period and restart counter, and takes a folder or a single file', () => {
    const sub = join(dir, 'order');
    const names = [
      'raw.20261202T0501Z.jsonl.gz',
      'raw.20261202T0500Z_10.jsonl.gz',
      'raw.20261202T0500Z_2.jsonl.gz',
      'raw.20261202T0500Z.jsonl.gz',
      'other.20261202T0400Z.jsonl.gz',
      'notes.txt',
    ];
    mkdirSync(sub);
    for (const n of names) writeFileSync(join(sub, n), '');
    const rel = (files: string[]) => files.map((f) => f.slice(sub.length + 1));
    expect(rel(captureFiles(join(sub, 'raw.jsonl')))).toEqual([
      'raw.20261202T0500Z.jsonl.gz',
      'raw.20261202T0500Z_2.jsonl.gz',
      'raw.20261202T0500Z_10.jsonl.gz',
      'raw.20261202T0501Z.jsonl.gz',
    ]);
    expect(rel(captureFiles(sub))).toEqual([
      'other.20261202T0400Z.jsonl.gz',
      ...rel(captureFiles(join(sub, 'raw.jsonl'))),
    ]);
    expect(captureFiles(join(sub, 'notes.txt'))).toEqual([join(sub, 'notes.txt')]);
    expect(captureFiles(join(sub, 'none.jsonl'))).toEqual([]);
    expect(recordingOrder(['b.jsonl', 'a.jsonl'])).toEqual(['a.jsonl', 'b.jsonl']);
  });
});
