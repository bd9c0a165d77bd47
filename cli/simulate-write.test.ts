/**
 * `futuresboard simulate --write`: a recordings folder generated in virtual time through the
 * collector's own pipeline, read back through the real readers: closed segments only, seq
 * running on across them, the outage recorded as the collector records a disconnect, alerts,
 * the same rows for the same options, and one-line errors for bad options.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../core/catalog.ts';
import { FbError } from '../core/errors.ts';
import { EXCHANGES, type GapEvent, type RecordedEvent } from '../core/events.ts';
import { silentLogger } from '../core/log.ts';
import { readAlerts, readMetrics } from '../core/metrics/store.ts';
import { verifyRecordings } from '../collector/store/segments/verify.ts';
import { readCatalog } from '../replay/adapters/catalog-file.ts';
import { openRecordingsDir } from '../replay/adapters/recordings-dir.ts';
import { openParts, planParts, recordingEvents } from '../replay/player/parts.ts';
import { readEvents } from '../replay/player/read-events.ts';
import { verifyMetrics } from '../replay/metrics-verify.ts';
import { captureIo } from '../test/helpers/capture-io.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { DEFAULT_START, OUTAGE_MS } from './simulate-write.ts';
import { runSimulate } from './simulate.ts';

const dir = tempDir('fb-sim-write-');
const START = Date.parse(DEFAULT_START);
const MINUTE = 60_000;

async function write(name: string, args: string[]): Promise<{ folder: string; out: string }> {
  const folder = join(dir, name);
  const io = captureIo();
  const lines: string[] = [];
  expect(await runSimulate(['--write', folder, ...args], { out: (s) => lines.push(s), err: io.stderr })).toBe(0);
  return { folder, out: lines.join('\n') };
}

/** Everything the folder holds, segment by segment: events, metric rows and alerts. */
function rows(folder: string) {
  const out = [];
  for (const part of openParts(planParts(openRecordingsDir(folder))))
    out.push({
      events: [...readEvents(part.db, part.filter)],
      metrics: readMetrics(part.db),
      alerts: readAlerts(part.db),
    });
  return out;
}

describe('futuresboard simulate --write', () => {
  it('writes closed segments only, seq running on across them, an outage as a disconnect gap, and alerts', async () => {
    const { folder, out } = await write('short', [
      '--hours',
      '0.1',
      '--segment',
      '1m',
      '--rate',
      '60',
      '--gap-at',
      '3',
    ]);
    expect(out).toMatch(/^wrote [\d,]+ events .* into .*short: 6 segments/);
    expect(readdirSync(folder).sort()).toEqual(
      ['catalog.json', ...readCatalog(folder).segments.map((s) => s.file)].sort(),
    );
    const catalog: Catalog = readCatalog(folder);
    expect(catalog.segment).toBe('1m');
    expect(catalog.segments.map((s) => [s.open, s.from, s.to])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [false, START + i * MINUTE, START + (i + 1) * MINUTE]),
    );
    catalog.segments.forEach((s, i) => expect(s.seq_from).toBe(i === 0 ? 1 : catalog.segments[i - 1].seq_to! + 1));
    expect(await verifyRecordings(folder, catalog)).toEqual({ checked: 6, problems: [] });

    const events: RecordedEvent[] = [...recordingEvents(openRecordingsDir(folder))];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.exchange))).toEqual(new Set(EXCHANGES));
    expect(events.every((e) => e.local_ts >= START && e.local_ts < START + 6 * MINUTE)).toBe(true);
    // The first outage drops Binance's websockets (public and market) at minute 3 for OUTAGE_MS.
    const gaps = events.filter((e): e is RecordedEvent & GapEvent => e.kind === 'gap');
    expect(gaps.map((g) => [g.exchange, g.stream, g.cause]).sort()).toEqual([
      ['binance-usdm', 'market', 'disconnect'],
      ['binance-usdm', 'public', 'disconnect'],
    ]);
    // Virtual receipt times, not wall-clock ones: each gap covers the whole simulated outage.
    const outage = { from: START + 3 * MINUTE, until: START + 3 * MINUTE + OUTAGE_MS };
    for (const g of gaps) {
      expect(g.start_ts).toBeLessThanOrEqual(outage.from);
      expect(g.end_ts).toBeGreaterThanOrEqual(outage.until);
    }
    const down = events.filter(
      (e) =>
        e.exchange === 'binance-usdm' &&
        e.local_ts >= START + 3 * MINUTE &&
        e.local_ts < Math.min(...gaps.map((g) => g.end_ts)),
    );
    // REST polls go on during a websocket outage; nothing streamed comes from Binance.
    expect(new Set(down.map((e) => e.kind))).toEqual(new Set(['open_interest', 'long_short']));
    const alerts: unknown[] = [];
    for (const part of openParts(planParts(openRecordingsDir(folder)))) alerts.push(...readAlerts(part.db));
    expect(alerts.length).toBeGreaterThan(0);
    // The metric rows and alerts are what replay recomputes from the events, as for a live recording.
    const verified = verifyMetrics(openParts(planParts(openRecordingsDir(folder))), { logger: silentLogger });
    expect(verified).toMatchObject({ configSource: 'recorded', alerts: alerts.length, differenceCount: 0 });
    expect(verified.metrics).toBeGreaterThan(0);
  });

  it('writes the same rows (the same segment bytes) for the same options, and other rows for another seed', async () => {
    const args = ['--hours', '0.05', '--segment', '1m', '--rate', '60'];
    const a = await write('seed-1a', args);
    const b = await write('seed-1b', args);
    const c = await write('seed-2', [...args, '--seed', '2']);
    const first = rows(a.folder);
    expect(first.length).toBe(3);
    expect(first.every((s) => s.events.length > 1000 && s.metrics.length > 0)).toBe(true);
    expect(rows(b.folder)).toEqual(first);
    // Byte for byte: a regenerated sample keeps its sha256s.
    const hashes = (folder: string) => readCatalog(folder).segments.map((s) => s.sha256);
    expect(hashes(b.folder)).toEqual(hashes(a.folder));
    expect(rows(c.folder).map((s) => s.events)).not.toEqual(first.map((s) => s.events));
  });

  it('refuses a folder that already holds a recording, leaving it as it was', async () => {
    const used = join(dir, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'catalog.json'), '{}');
    const run = runSimulate(['--write', used], { out: () => {} });
    await expect(run).rejects.toThrow(/--write .*used already holds a recording; give a new or empty folder/);
    expect(readdirSync(used)).toEqual(['catalog.json']);
  });

  it.each([
    [['--write', 'x', '--hours', '0'], /--hours must be above 0/],
    [['--write', 'x', '--segment', '2h'], /--segment must be one of 1m, 5m, 15m, 1h, 1d, got "2h"/],
    [['--write', 'x', '--hours', '1', '--gap-at', '60'], /--gap-at takes minutes into the recording.*got "60"/],
    [['--write', 'x', '--gap-at', 'soon'], /--gap-at takes minutes.*got "soon"/],
    [['--write', 'x', '--start', 'yesterday'], /--start must be an ISO time with a zone/],
    [['--write', 'x', '--seed', '1.5'], /--seed must be an integer/],
    [['--write', 'x', '--markets', 'PEPE'], /--markets: no preset for PEPE; give its start price as PEPE=<price>/],
    [['--write', 'x', '--port', '0'], /--port is for serving; --write serves nothing/],
    [['--write', 'x', '--source', 'capture'], /--write records the synthetic market only/],
    [['--hours', '2'], /--hours only goes with --write <dir>/],
    [['--segment=5m'], /--segment only goes with --write <dir>/],
  ])('rejects %j with one line naming the option', async (argv, message) => {
    const run = runSimulate(argv, { out: () => {}, stop: Promise.resolve() });
    await expect(run).rejects.toThrow(FbError);
    await expect(run).rejects.toThrow(message);
    expect(existsSync(join(process.cwd(), 'x'))).toBe(false);
  });
});
