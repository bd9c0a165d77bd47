/**
 * A day of recording for the published-replay bench: `futuresboard simulate --write` over 24
 * virtual hours at a rate that gives more than 10 M events, in hourly segments. Writing it takes
 * a quarter of an hour or more, so it is kept under os.tmpdir() in a folder named after the
 * options and reused by later runs (delete the folder to write it again, e.g. after a change to
 * the parsers or the segment format). It is written beside that folder and renamed into place
 * only when complete, so an interrupted run leaves nothing half-written to reuse.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../core/catalog.ts';
import { readCatalog } from '../replay/adapters/catalog-file.ts';

const BIN = fileURLToPath(new URL('../bin/futuresboard', import.meta.url));

export interface DayOptions {
  hours: number;
  /** The simulator's frames/s; each frame makes about 1.1 events. */
  rate: number;
  segment: string;
  seed: number;
}

/** ~135 events/s recorded at rate 120: 11.7 M events in 24 h. */
export const DAY: DayOptions = { hours: 24, rate: 120, segment: '1h', seed: 1 };

export interface DayRecording {
  /** The recordings folder (catalog.json and closed segments). */
  dir: string;
  catalog: Catalog;
  /** The command that wrote it. */
  command: string;
  /** The generator's closing line (events, segments, bytes, seconds, events/s). */
  generated: string;
  /** True when an earlier run's folder was reused. */
  cached: boolean;
}

const args = (o: DayOptions, dir: string) => [
  'simulate',
  '--write',
  dir,
  '--hours',
  String(o.hours),
  '--rate',
  String(o.rate),
  '--segment',
  o.segment,
  '--seed',
  String(o.seed),
];

function write(o: DayOptions, dir: string): Promise<string> {
  return new Promise((done, fail) => {
    // The progress bar goes to this process's stderr: the wait is long enough to want one.
    const child = spawn(process.execPath, [BIN, ...args(o, dir)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done(out.trim()) : fail(new Error(`futuresboard simulate --write exited ${code}: ${out}`)),
    );
  });
}

/** The day recording for `o`, written now or reused from an earlier run. */
export async function dayRecording(o: DayOptions = DAY): Promise<DayRecording> {
  const root = join(tmpdir(), 'fb-bench-published', `h${o.hours}-rate${o.rate}-seed${o.seed}-seg${o.segment}`);
  const command = `npx futuresboard ${args(o, '<dir>').join(' ')}`;
  const note = join(root, 'generated.txt');
  const cached = existsSync(note);
  if (!cached) {
    const partial = `${root}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const line = await write(o, join(partial, 'rec'));
    writeFileSync(join(partial, 'generated.txt'), line.replaceAll(partial, root));
    rmSync(root, { recursive: true, force: true });
    renameSync(partial, root);
  }
  const dir = join(root, 'rec');
  return { dir, catalog: readCatalog(dir), command, generated: readFileSync(note, 'utf8').trim(), cached };
}
