/** Health tiers from daemon state: what an operator sees on /health. */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.ts';
import { assessHealth, healthHttpStatus, type HealthInput } from './health.ts';
import { healthyInput } from './test-support.ts';

const thresholds = defaultConfig().health;
const now = healthyInput().now;

function withFeeds(states: HealthInput['feeds'][number]['state'][], over: Partial<HealthInput> = {}): HealthInput {
  const base = healthyInput();
  return { ...base, ...over, feeds: states.map((state, i) => ({ ...base.feeds[i % 2], connection: `c${i}`, state })) };
}

describe('assessHealth', () => {
  it('is ok when every feed delivers data and nothing lags', () => {
    const r = assessHealth(healthyInput(), thresholds);
    expect(r).toMatchObject({ status: 'ok', reasons: [], uptimeS: 120, version: '0.1.0-test', openGaps: 0 });
    expect(r.feeds.map((f) => [f.status, f.lastMessageAgeMs])).toEqual([
      ['up', 100],
      ['up', 200],
    ]);
    expect(healthHttpStatus(r.status)).toBe(200);
  });

  it('is degraded, with a reason each, for a stale or reconnecting feed, open gaps, writer lag, low disk and failing webhooks', () => {
    const input = withFeeds(['open', 'backoff', 'open'], {
      openGaps: 2,
      writerLagMs: thresholds.writerLagMs + 1,
      diskFreeBytes: thresholds.minFreeDiskBytes - 1,
      alertDelivery: { pending: 3, failed: 1, lastError: 'HTTP 500' },
    });
    input.feeds[0].lastDataAt = now - thresholds.staleMs - 1;
    input.feeds[1].lastError = 'ECONNRESET';
    const r = assessHealth(input, thresholds);
    expect(r.status).toBe('degraded');
    expect(healthHttpStatus(r.status)).toBe(200);
    expect(r.reasons).toEqual([
      'feed binance-usdm/c0 stale (no data for 30 s)',
      'feed bybit-linear/c1 reconnecting (ECONNRESET)',
      '2 open gaps',
      `writer lag ${thresholds.writerLagMs + 1} ms > ${thresholds.writerLagMs} ms`,
      'low disk: 1000 MB free < 1000 MB',
      'webhook deliveries failing: 1 failed (HTTP 500)',
    ]);
    expect(r.feeds.map((f) => f.status)).toEqual(['stale', 'reconnecting', 'up']);
  });

  it('is down when every feed is disconnected, when the writer fails, or with no feeds; 503', () => {
    const allDown = assessHealth(withFeeds(['backoff', 'closed', 'connecting']), thresholds);
    expect(allDown.status).toBe('down');
    expect(allDown.reasons[0]).toBe('all feeds down (3 disconnected)');
    expect(healthHttpStatus(allDown.status)).toBe(503);

    const diskFull = assessHealth(
      { ...healthyInput(), lastWriteError: 'SQLITE_FULL: database or disk is full' },
      thresholds,
    );
    expect(diskFull).toMatchObject({
      status: 'down',
      reasons: ['writer failing: SQLITE_FULL: database or disk is full'],
    });

    expect(assessHealth(withFeeds([]), thresholds)).toMatchObject({ status: 'down', reasons: ['no feeds configured'] });
  });

  it('counts a stale-but-connected market as degraded, not down', () => {
    expect(assessHealth(withFeeds(['stale', 'stale']), thresholds).status).toBe('degraded');
  });

  it('treats feeds without data yet as starting (degraded) during the first staleMs, then as stale or reconnecting', () => {
    const starting = withFeeds(['connecting', 'open'], { startedAt: now - 1000 });
    for (const f of starting.feeds) f.lastDataAt = null;
    const early = assessHealth(starting, thresholds);
    expect(early.status).toBe('degraded');
    expect(early.feeds.map((f) => [f.status, f.lastMessageAgeMs])).toEqual([
      ['starting', null],
      ['starting', null],
    ]);

    const late = assessHealth({ ...starting, startedAt: now - thresholds.staleMs - 1 }, thresholds);
    expect(late.feeds.map((f) => f.status)).toEqual(['reconnecting', 'stale']);
  });

  it('uses the configured thresholds', () => {
    const input = { ...healthyInput(), writerLagMs: 500 };
    expect(assessHealth(input, thresholds).status).toBe('ok');
    expect(assessHealth(input, { ...thresholds, writerLagMs: 100 }).status).toBe('degraded');
  });
});
