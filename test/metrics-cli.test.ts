/**
 * `futuresboard metrics verify`, `metrics bench` and `alerts stats` on real SQLite files: a
 * session is recorded the way the collector records it (events, then the engine's output, in
 * the same transaction, in seq order; config recorded; a restart with another config halfway).
 */
import { FbError as CliError } from '../core/errors.ts';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../collector/store/migrations.ts';
import { openNodeDb } from '../replay/adapters/node-sqlite.ts';
import { resolveMetricsConfig } from '../core/metrics/config.ts';
import { readAlerts, readMetrics } from '../core/metrics/store.ts';
import { syntheticEvents } from '../core/metrics/synthetic.ts';
import type { MetricRow } from '../core/metrics/types.ts';
import { migrate } from '../core/migrations.ts';
import { runAlerts, runMetrics } from '../cli/metrics.ts';
import { startRig } from './helpers/collector.ts';
import { recordSessions } from './helpers/record-session.ts';
import { tempDir } from './helpers/tmp.ts';

const dir = tempDir('fb-metrics-');
const START = Date.UTC(2025, 5, 13, 8);
const FIRST = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60 });
const SECOND = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 20, zWindowBuckets: 90 });

function run(fn: (argv: string[], out: (s: string) => void) => Promise<number>, argv: string[]) {
  const lines: string[] = [];
  return fn(argv, (s) => void lines.push(s)).then((code) => ({ code, text: lines.join('\n') }));
}

const EVENTS = 25_200;
const RATE = 60; // events/s: 7 minutes per session
let live: string;
let written: MetricRow[];

beforeAll(() => {
  live = join(dir, 'live.db');
  // 7 minutes, then a restart with another config, 7 more minutes: forward returns get filled.
  const a = syntheticEvents({ markets: 6, events: EVENTS, startTs: START, rate: RATE, seed: 5 });
  const b = syntheticEvents({ markets: 6, events: EVENTS, startTs: START + 600_000, rate: RATE, seed: 6 });
  written = recordSessions(
    live,
    [
      { config: FIRST, events: a },
      { config: SECOND, events: b },
    ],
    START,
  );
});

describe('futuresboard metrics verify', () => {
  it('passes on a session recorded live, using the configs it recorded', async () => {
    const { code, text } = await run(runMetrics, ['verify', '--db', live]);
    expect(text).toMatch(/recomputed from 50402 events; compared \d+ metric rows and \d+ alerts/);
    expect(text).toContain('OK, identical');
    expect(code).toBe(0);
    const [, rows, alerts] = /compared (\d+) metric rows and (\d+) alerts/.exec(text)!;
    expect(Number(rows)).toBe(written.length);
    expect(Number(alerts)).toBeGreaterThan(10);
  });

  it('passes on a session the collector recorded live from the simulator', async () => {
    // Half-second buckets and a short warm-up, so a few seconds give rows (and likely alerts).
    const rig = await startRig(dir, {
      name: 'sim',
      tweak: (c) => void (c.metrics = { bucketMs: 500, warmupBuckets: 4, zWindowBuckets: 20, zMinSamples: 4 }),
    });
    try {
      const first = await rig.next(() => true, 20_000, 'the first event');
      await rig.next((e) => e.local_ts >= first.local_ts + 4000, 30_000, '4 s of data');
    } finally {
      await rig.stop();
    }
    const { code, text } = await run(runMetrics, ['verify', '--db', rig.config.db]);
    expect(text).toContain('OK, identical');
    expect(code).toBe(0);
    expect(Number(/compared (\d+) metric rows/.exec(text)![1])).toBeGreaterThan(20);
  });

  it('fails, naming the row and the column, when one metric row was altered', async () => {
    const path = join(dir, 'altered.db');
    copyFileSync(live, path);
    const db = openNodeDb(path);
    const [victim] = db.all<{ id: number; symbol: string; cvd: number }>(
      'SELECT id, symbol, cvd FROM metrics ORDER BY id LIMIT 1 OFFSET 500',
    );
    db.run('UPDATE metric_rows SET cvd = cvd + 1 WHERE id = ?', [victim.id]);
    db.close();
    const { code, text } = await run(runMetrics, ['verify', '--db', path]);
    expect(code).toBe(1);
    expect(text).toContain('1 difference(s)');
    expect(text).toContain(`metrics id ${victim.id}: `);
    expect(text).toContain(`cvd: stored ${victim.cvd + 1}, recomputed ${victim.cvd}`);
  });

  it('points into the JSON of a changed z-score and reports a missing alert', async () => {
    const path = join(dir, 'altered-json.db');
    copyFileSync(live, path);
    const db = openNodeDb(path);
    const [m] = db.all<{ id: number }>('SELECT id FROM metrics ORDER BY id LIMIT 1 OFFSET 900');
    // The 5m figures of that row (v2 keeps each timeframe as a row of metric_timeframes).
    db.run("UPDATE metric_timeframes SET quote_volume = quote_volume + 0.5 WHERE metric_id = ? AND name = '5m'", [
      m.id,
    ]);
    const [a] = db.all<{ id: number; rule: string }>('SELECT id, rule FROM alerts ORDER BY id LIMIT 1');
    db.run('DELETE FROM alert_rows WHERE id = ?', [a.id]);
    db.close();
    const { code, text } = await run(runMetrics, ['verify', '--db', path]);
    expect(code).toBe(1);
    expect(text).toContain('2 difference(s)');
    expect(text).toMatch(new RegExp(`metrics id ${m.id}: .*: timeframes\\.5m\\.quote_volume: stored `));
    expect(text).toMatch(
      new RegExp(
        `alerts .* ${a.rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (up|down): row: stored \\(missing\\), recomputed an alert`,
      ),
    );
  });

  it('differs when told to use one config for a file recorded with two', async () => {
    const file = join(dir, 'first.json');
    writeFileSync(file, JSON.stringify({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60 }));
    const { code, text } = await run(runMetrics, ['verify', '--db', live, '--config', file]);
    expect(code).toBe(1);
    expect(text).toMatch(/\d+ difference\(s\)/);
  });

  it('explains bad options in one line', async () => {
    await expect(run(runMetrics, ['verify'])).rejects.toThrow(/--db <file> or --recordings <dir> is required/);
    await expect(run(runMetrics, ['verify', '--db', join(dir, 'nope.db')])).rejects.toThrow(/no such file/);
    await expect(run(runMetrics, ['check'])).rejects.toThrow(CliError);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ bucketMs: 0 }));
    await expect(run(runMetrics, ['verify', '--db', live, '--config', bad])).rejects.toThrow(
      /--config .*bucketMs: must be an integer >= 1/,
    );
    const help = await run(runMetrics, ['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.text).toContain('Usage: futuresboard metrics verify (--db <file> | --recordings <dir>)');
    const list = await run(runMetrics, ['--help']);
    expect(list.text).toMatch(/Subcommands:\n {2}verify .*\n {2}bench /);
    await expect(run(runAlerts, [])).rejects.toThrow('alerts needs a subcommand: stats (see --help)');
  });
});

describe('metrics store', () => {
  it('reads back exactly the rows the engine produced', () => {
    const db = openNodeDb(live, { readonly: true });
    const rows = readMetrics(db);
    db.close();
    expect(rows.length).toBe(written.length);
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual(written);
  });

  it('records forward returns on earlier alerts once later buckets close', () => {
    const db = openNodeDb(live, { readonly: true });
    const alerts = readAlerts(db);
    db.close();
    const filled = alerts.filter((a) => a.fwd_ret_5m !== null);
    expect(filled.length).toBeGreaterThan(0);
    // Alerts in the last five minutes of a session cannot know their 5-minute return.
    const lastOfFirst = START + (EVENTS * 1000) / RATE;
    const late = alerts.filter((a) => a.bucket_ts > lastOfFirst - 290_000 && a.bucket_ts < lastOfFirst);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((a) => a.fwd_ret_5m === null)).toBe(true);
  });
});

describe('futuresboard alerts stats', () => {
  it('prints count and hit rate per tier, matching the alerts table', async () => {
    const db = openNodeDb(live, { readonly: true });
    const byTier = db.all<{ tier: number; n: number; known: number; hits: number }>(
      `SELECT tier, count(*) AS n, count(fwd_ret_5m) AS known,
              sum(CASE WHEN (direction = 'up' AND fwd_ret_5m > 0) OR (direction = 'down' AND fwd_ret_5m < 0) THEN 1 ELSE 0 END) AS hits
       FROM alerts GROUP BY tier`,
    );
    db.close();
    const { code, text } = await run(runAlerts, ['stats', '--db', live, '--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(text) as {
      tier: number | 'all';
      alerts: number;
      horizons: { fwd_ret_5m: { known: number; hits: number; hitRate: number | null } };
    }[];
    for (const t of byTier) {
      const line = stats.find((s) => s.tier === t.tier)!;
      expect(line.alerts).toBe(t.n);
      expect(line.horizons.fwd_ret_5m).toMatchObject({ known: t.known, hits: t.hits });
    }
    expect(stats.find((s) => s.tier === 'all')!.alerts).toBe(byTier.reduce((a, t) => a + t.n, 0));

    const table = await run(runAlerts, ['stats', '--db', live]);
    expect(table.text.split('\n')[0]).toMatch(
      /^tier\s+alerts\s+hit 5m\s+hit 15m\s+hit 60m\s+ret 5m\s+ret 15m\s+ret 60m$/,
    );
    expect(table.text).toMatch(/^all\s+\d+\s+\d+\.\d% of \d+\s+.*[+-]\d+\.\d{3}%/m);
  });

  it('--compare recomputes each preset over the same events: default reproduces the recorded alerts', async () => {
    // The bundled sample session was recorded with the default preset.
    const recordings = join(import.meta.dirname, '..', 'fixtures', 'sample-session');
    const recorded = JSON.parse((await run(runAlerts, ['stats', '--recordings', recordings, '--json'])).text);
    const { code, text } = await run(runAlerts, [
      'stats',
      '--recordings',
      recordings,
      '--compare',
      'seed,default',
      '--json',
    ]);
    expect(code).toBe(0);
    const compared = JSON.parse(text) as { preset: string; stats: { tier: number | 'all'; alerts: number }[] }[];
    expect(compared.map((c) => c.preset)).toEqual(['seed', 'default']);
    expect(compared[1].stats).toEqual(recorded);
    const seed = compared[0].stats;
    // The seed model differs: its tier-6 clusters exist only there, its tiers count otherwise.
    expect(seed.find((s) => s.tier === 6)!.alerts).toBeGreaterThan(0);
    expect(recorded.find((s: { tier: number | 'all' }) => s.tier === 6).alerts).toBe(0);
    expect(seed).not.toEqual(recorded);

    const table = (await run(runAlerts, ['stats', '--recordings', recordings, '--compare', 'seed,default'])).text;
    expect(table.split('\n')[0]).toMatch(/^tier\s+preset\s+alerts\s+hit 5m/);
    expect(table).toMatch(/^1\s+seed\s+\d+/m);
    expect(table).toMatch(/^1\s+default\s+\d+/m);
  });

  it('--compare keeps the recording’s own settings and user rules: its own preset’s line is what it recorded', async () => {
    // Recorded under the seed preset with 2 s buckets and a user rule; recomputed as seed and as
    // default with those settings.
    const path = join(dir, 'seed.db');
    const rule = { name: 'flip', series: 'price_chg_pct', op: 'crosses', threshold: 0, tier: 2, cooldownMs: 60_000 };
    const config = resolveMetricsConfig({
      ...{ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60 },
      preset: 'seed',
      alerts: { rules: [rule] },
    });
    recordSessions(
      path,
      [{ config, events: syntheticEvents({ markets: 6, events: EVENTS, startTs: START, rate: RATE, seed: 7 }) }],
      START,
    );
    const recorded = JSON.parse((await run(runAlerts, ['stats', '--db', path, '--json'])).text);
    const db = openNodeDb(path, { readonly: true });
    const users = db.all<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE rule = 'user:flip'")[0].n;
    db.close();
    expect(users).toBeGreaterThan(0);
    const compared = JSON.parse(
      (await run(runAlerts, ['stats', '--db', path, '--compare', 'seed,default', '--json'])).text,
    ) as {
      preset: string;
      stats: { tier: number | 'all'; alerts: number }[];
    }[];
    expect(compared[0].stats).toEqual(recorded);
    // The default model on the same settings: the user rule still fires (tier 2), the model's alerts differ.
    expect(compared[1].stats.find((t) => t.tier === 2)!.alerts).toBeGreaterThanOrEqual(users);
    expect(compared[1].stats).not.toEqual(recorded);
  });

  it('--compare names an unknown preset and the known ones', async () => {
    await expect(run(runAlerts, ['stats', '--db', live, '--compare', 'seed,defualt'])).rejects.toThrow(
      '--compare: unknown preset "defualt"; one of default, seed',
    );
  });

  it('refuses a recording without the alerts table', async () => {
    // A recording written before the metrics migration: schema version 1.
    const path = join(dir, 'old.db');
    const db = openNodeDb(path);
    migrate(db, loadMigrations().slice(0, 1), () => START);
    db.close();
    await expect(run(runAlerts, ['stats', '--db', path])).rejects.toThrow(/no alerts table/);
  });
});

describe('futuresboard metrics bench', () => {
  it('reports the engine next to a read-only loop over the same events', async () => {
    const { code, text } = await run(runMetrics, ['bench', '--markets', '20', '--events', '30000', '--rate', '2000']);
    expect(code).toBe(0);
    expect(text).toMatch(
      /read-only loop \d+\.\d\d M events\/s; metrics \+ alerts \d+\.\d\d M events\/s \(\d+\.\d× the read loop's time; best of 3 runs each\)/,
    );
    expect(text).toMatch(/\d+ metric rows and \d+ alerts produced/);
  });
});
