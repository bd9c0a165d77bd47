/**
 * The bundled sample session (fixtures/sample-session, written by the command in
 * fixtures/README.md) shows what the product does, read through the real readers: it passes
 * `recordings verify`, lasts at least an hour on all three exchanges, holds alerts of at least
 * three tiers and a gap, the site's default backtest trades on it, and it stays small enough to
 * ship with the site.
 */
import { describe, expect, it } from 'vitest';
import { EXCHANGES } from '../core/events.ts';
import { readAlerts } from '../core/metrics/store.ts';
import { verifyRecordings } from '../collector/store/segments/verify.ts';
import { readCatalog } from '../replay/adapters/catalog-file.ts';
import { openRecordingsDir } from '../replay/adapters/recordings-dir.ts';
import { backtestEvents } from '../replay/backtest/engine.ts';
import { STRATEGIES } from '../replay/backtest/strategies/index.ts';
import { metricsConfigAtStart, openParts, planParts, recordingEvents } from '../replay/player/parts.ts';

const SAMPLE = 'fixtures/sample-session';
const HOUR = 3_600_000;
/** What a static site can ship without making its first deploy heavy. */
const MAX_BYTES = 4_000_000;

describe('the bundled sample session', () => {
  const catalog = readCatalog(SAMPLE);
  const closed = catalog.segments;

  it('is a recordings folder of closed segments that `recordings verify` passes, a few MB in all', async () => {
    expect(closed.length).toBeGreaterThan(1);
    expect(closed.every((s) => !s.open)).toBe(true);
    expect(await verifyRecordings(SAMPLE, catalog)).toEqual({ checked: closed.length, problems: [] });
    expect(closed.reduce((n, s) => n + s.bytes, 0)).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('lasts an hour or more on all three exchanges, with a gap and alerts of at least three tiers', () => {
    const events = [...recordingEvents(openRecordingsDir(SAMPLE))];
    expect(events.at(-1)!.local_ts - events[0].local_ts).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(closed.at(-1)!.to - closed[0].from).toBeGreaterThanOrEqual(HOUR);
    expect(new Set(events.map((e) => e.exchange))).toEqual(new Set(EXCHANGES));
    expect(events.some((e) => e.kind === 'gap')).toBe(true);
    const tiers = new Set<number>();
    for (const part of openParts(planParts(openRecordingsDir(SAMPLE))))
      for (const a of readAlerts(part.db)) tiers.add(a.tier);
    expect(tiers.size).toBeGreaterThanOrEqual(3);
  });

  it("trades in the site's default backtest (the first strategy, its default parameters)", () => {
    const rec = openRecordingsDir(SAMPLE);
    const report = backtestEvents(recordingEvents(rec), {
      strategy: STRATEGIES[0],
      metricsConfig: metricsConfigAtStart(rec),
    });
    expect(report.trades).toBeGreaterThan(0);
  });
});
