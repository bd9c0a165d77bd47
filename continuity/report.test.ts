import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recommend, type Thresholds } from './recommendations.ts';
import type { Snapshot } from './state.ts';
import { closedPort, healthServer, removeDir, run, tempDir, writeProjectFiles } from './test-support.ts';

const MIN = 60_000;
let dir: string;
beforeEach(() => {
  dir = tempDir();
  writeProjectFiles(dir);
});
afterEach(() => removeDir(dir));

const reportFiles = () => readdirSync(join(dir, 'docs/status'));

describe('continuity report', () => {
  it('renders the latest snapshot through the template, with front matter and data-driven recommendations', async () => {
    // Shaped like the daemon's own /health (collector/relay/health.ts): `state` is the
    // connection's state word (connecting, open, stale, backoff, closed), `status` its summary.
    const server = await healthServer(() => ({
      status: 'degraded',
      reasons: ['feed okx-swap/okx-swap/public/0 reconnecting (socket hang up)', '1 open gap'],
      feeds: [
        {
          exchange: 'binance-usdm',
          stream: 'market',
          connection: 'binance-usdm/market/0',
          state: 'open',
          lastDataAt: 1,
          reconnects: 0,
          lastError: null,
          status: 'up',
          lastMessageAgeMs: 800,
        },
        {
          exchange: 'okx-swap',
          stream: 'public',
          connection: 'okx-swap/public/0',
          state: 'backoff',
          lastDataAt: 1,
          reconnects: 3,
          lastError: 'socket hang up',
          status: 'reconnecting',
          lastMessageAgeMs: 12 * MIN,
        },
      ],
      openGaps: 1,
    }));
    try {
      const env = { FUTURESBOARD_PORT: String(server.port) };
      const now = () => Date.UTC(2025, 5, 13, 12, 30, 5);
      expect((await run(['snapshot', '--repo', dir], { env, now })).code).toBe(0);
      const r = await run(['report', '--repo', dir], { env });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(reportFiles()).toEqual(['status_report-2025-06-13T12-30-05Z.md']);
      expect(r.out).toContain('docs/status/status_report-2025-06-13T12-30-05Z.md');
      const md = readFileSync(join(dir, 'docs/status/status_report-2025-06-13T12-30-05Z.md'), 'utf8');
      expect(
        md.startsWith(
          '---\ntitle: "Status report 2025-06-13 12:30 UTC"\ngenerated: "2025-06-13T12:30:05.000Z"\nphase: "build"\nstatus: "degraded"\nuptime_pct: 100\nsummary: "collector degraded, uptime 100.00% over 1 snapshot(s)',
        ),
      ).toBe(true);
      expect(md).not.toContain('{{');
      expect(md).not.toContain('template-doc');
      for (const section of [
        '## Overview',
        '## Backend summary',
        '## Quant KPIs',
        '## Tracked files',
        '## Diagnostics',
        '## Recommendations',
      ])
        expect(md).toContain(section);
      expect(md).toContain('| okx-swap | public | backoff | 12 min | no |');
      expect(md).toMatch(/\| `package.json` \| `[0-9a-f]{64}` \|/);
      expect(md).toContain('Feed okx-swap/public has had no data for 12 min (limit 5 min)');
      expect(md).toContain(
        'The collector reports **degraded**: feed okx-swap/okx-swap/public/0 reconnecting (socket hang up)',
      );
      // A second report of the same snapshot never overwrites the first.
      expect((await run(['report', '--repo', dir], { env })).code).toBe(0);
      expect(reportFiles()).toEqual([
        'status_report-2025-06-13T12-30-05Z-1.md',
        'status_report-2025-06-13T12-30-05Z.md',
      ]);
    } finally {
      await server.close();
    }
  });

  it('asks for a snapshot first when there is none', async () => {
    const r = await run(['report', '--repo', dir], { env: { FUTURESBOARD_PORT: String(await closedPort()) } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('run `futuresboard continuity snapshot` first');
    expect(r.err).toContain('[E_NO_SNAPSHOT]');
  });

  it('names an unknown placeholder in the template', async () => {
    const env = { FUTURESBOARD_PORT: String(await closedPort()) };
    expect((await run(['snapshot', '--repo', dir], { env })).code).toBe(0);
    writeFileSync(join(dir, 'docs/status_report_template.md'), '# {{title}}\n{{uptime_percent}}\n');
    const r = await run(['report', '--repo', dir], { env });
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown placeholder {{uptime_percent}}');
  });
});

/** A healthy snapshot; each test breaks one thing. */
function healthy(): Snapshot {
  return {
    time: '2025-06-13T12:00:00.000Z',
    timeMs: Date.UTC(2025, 5, 13, 12),
    phase: { tag: 'live', note: 'n', since: '2025-06-01T00:00:00.000Z' },
    version: '1.0.0',
    commit: 'abc',
    health: {
      running: true,
      status: 'ok',
      role: 'collector',
      bus: null,
      reasons: [],
      feeds: [],
      openGaps: 0,
      writerLagMs: 5,
      dbBytes: 1,
      uptimeS: 100,
      version: '1.0.0',
    },
    roles: [],
    uptime: { pct: 100, up: 10, snapshots: 10, websocketPct: 100 },
    feeds: [{ exchange: 'binance-usdm', stream: 'market', state: 'open', lastMessageAgeMs: 500, live: true }],
    staleMs: 30_000,
    database: {
      path: 'data/futures.db',
      exists: true,
      bytes: 1,
      schemaVersion: 2,
      rows: { trades: 10 },
      gapsTotal: 1,
      gapsSince: 0,
      alerts: null,
      metrics: null,
      recordings: null,
      problems: [],
    },
    growth: { trades: 5 },
    gaps: { total: 1, sincePrevious: 0, previousInterval: 0, open: 0 },
    disk: { freeBytes: 50e9, totalBytes: 100e9 },
    files: {},
    drift: { added: [], removed: [], changed: [] },
    previousTime: '2025-06-13T11:55:00.000Z',
  };
}
const limits: Thresholds = {
  staleMinutes: 5,
  minFreeDiskBytes: 512 * 1024 * 1024,
  minFreeDiskRatio: 0.1,
  uptimeTargetPct: 99,
  minAlertsForHitRate: 20,
};

describe('recommendations', () => {
  it('has nothing to say about a healthy system', () => {
    expect(recommend(healthy(), limits)).toEqual([]);
  });

  it('calls out a nearly full disk', () => {
    const s = { ...healthy(), disk: { freeBytes: 4e9, totalBytes: 100e9 } };
    expect(recommend(s, limits)).toEqual([
      expect.stringMatching(/^Disk nearly full: 3\.7 GiB free of 93\.1 GiB \(4\.00%\)/),
    ]);
  });

  it('calls out gaps that come more often than before, but not a steady rate', () => {
    expect(
      recommend({ ...healthy(), gaps: { total: 9, sincePrevious: 5, previousInterval: 2, open: 0 } }, limits),
    ).toEqual([expect.stringContaining('Gaps are becoming more frequent: 5 since the previous snapshot against 2')]);
    expect(
      recommend({ ...healthy(), gaps: { total: 9, sincePrevious: 2, previousInterval: 2, open: 0 } }, limits),
    ).toEqual([]);
  });

  it('calls out a feed stale longer than the limit, low uptime, a stalled writer and drift', () => {
    const s: Snapshot = {
      ...healthy(),
      feeds: [{ exchange: 'bybit-linear', stream: 'linear', state: 'open', lastMessageAgeMs: 6 * MIN, live: false }],
      uptime: { pct: 90, up: 9, snapshots: 10, websocketPct: 90 },
      growth: { trades: 0 },
      drift: { added: [], removed: [], changed: ['package.json'] },
    };
    const recs = recommend(s, limits);
    expect(recs).toHaveLength(4);
    expect(recs[0]).toContain('Feed bybit-linear/linear has had no data for 6 min (limit 5 min)');
    expect(recs[1]).toContain('Uptime is 90.00% over the last 10 snapshots');
    expect(recs[2]).toContain('No rows were recorded since the previous snapshot');
    expect(recs[3]).toContain('Tracked files changed');
  });
});
