/**
 * File names of the rotated raw archive (docs/developer_guide.md, Raw archive and import). The
 * archive path a user gives (`--raw data/raw.jsonl`) is a prefix: each UTC period gets its own
 * gzip file `data/raw.<YYYYMMDDTHHMMZ>.jsonl.gz`, named after the period's start like the store's
 * segments. A collector restarted within a period does not append to that period's file (a file
 * cut by kill -9 ends in a torn gzip member, and whatever followed it could not be read), it
 * opens `data/raw.<stamp>_2.jsonl.gz`, then `_3`, … The import orders such files by period and
 * counter, not by name (`_10` sorts before `_2`).
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { utcStamp } from '../store/segments/period.ts';

export const RAW_EXTENSION = '.jsonl.gz';

/** `path` without a capture extension: the prefix of the rotated files. */
export const archiveBase = (path: string): string => path.replace(/\.jsonl\.gz$|\.jsonl$|\.gz$/, '');

/** The first free file name for the period starting at `periodStart`. */
export function rotatedPath(base: string, periodStart: number): string {
  const stamp = utcStamp(periodStart);
  let path = `${base}.${stamp}${RAW_EXTENSION}`;
  for (let n = 2; existsSync(path); n++) path = `${base}.${stamp}_${n}${RAW_EXTENSION}`;
  return path;
}

/** `<prefix>.<stamp>[_<n>].jsonl.gz`; stamps of sub-minute periods (tests) carry seconds. */
const ROTATED = /^(.*)\.(\d{8}T\d{4}(?:\d{2}\.\d{3})?Z)(?:_(\d+))?\.jsonl\.gz$/;

/** Sort key of a capture file: rotated files by prefix, period and counter; other files by name. */
function orderKey(path: string): [string, string, number] {
  const m = ROTATED.exec(path);
  return m ? [m[1], m[2], Number(m[3] ?? 1)] : [path, '', 0];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `files` in recording order. */
export function recordingOrder(files: readonly string[]): string[] {
  return [...files].sort((a, b) => {
    const [ka, kb] = [orderKey(a), orderKey(b)];
    return byText(ka[0], kb[0]) || byText(ka[1], kb[1]) || ka[2] - kb[2];
  });
}

const isCapture = (name: string) => name.endsWith('.jsonl') || name.endsWith(RAW_EXTENSION);

/**
 * The capture files `path` stands for, in recording order: a file is itself; a folder is every
 * `.jsonl` and `.jsonl.gz` file in it; a path that does not exist is an archive prefix (what
 * `--raw` was given) standing for its rotated files. Empty when nothing matches.
 */
export function captureFiles(path: string): string[] {
  if (existsSync(path) && !isArchiveLink(path)) {
    if (!statSync(path).isDirectory()) return [path];
    return recordingOrder(
      readdirSync(path)
        .filter(isCapture)
        .map((name) => join(path, name)),
    );
  }
  const base = archiveBase(path);
  const dir = dirname(base);
  if (!existsSync(dir)) return [];
  return recordingOrder(
    readdirSync(dir)
      .filter((name) => ROTATED.exec(name)?.[1] === basename(base))
      .map((name) => join(dir, name)),
  );
}

/** Whether `path` is the link the recorder keeps at the `--raw` path (it stands for every rotated file). */
function isArchiveLink(path: string): boolean {
  try {
    return (
      lstatSync(path).isSymbolicLink() &&
      ROTATED.exec(basename(readlinkSync(path)))?.[1] === basename(archiveBase(path))
    );
  } catch {
    return false;
  }
}

/**
 * Points the `--raw` path at the file being written (a relative symlink, swapped atomically), so
 * `--raw data/raw.jsonl` still leaves a `data/raw.jsonl` and `import data/raw.jsonl` reads the
 * whole rotated archive. A regular file already at that path (an archive from before rotation)
 * is left alone.
 */
export function pointLinkAt(link: string, target: string): void {
  if (link === target) return;
  try {
    if (!lstatSync(link).isSymbolicLink()) return;
  } catch {
    // nothing there yet
  }
  const tmp = `${link}.link-tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(basename(target), tmp);
  renameSync(tmp, link);
}
