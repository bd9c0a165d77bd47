/**
 * User-defined alert rules end to end (docs/quant-blueprint.md, "User-defined rules"): the real
 * collector on the real simulator, with a rule in its `metrics` config, records `user:<name>`
 * alerts, relays them to a websocket client subscribed to alerts, and `futuresboard metrics
 * verify` recomputes them from the recorded events (and notices one gone). A config with a bad
 * rule stops `import` and `collect` at load with one line naming the rule and the field.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TestClient, type Msg } from '../../collector/relay/test-support.ts';
import type { AlertRecord } from '../../core/metrics/types.ts';
import { startRig } from '../helpers/collector.ts';
import { needsShared, sharedPath } from '../helpers/shared-data.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fb-userrules-');

/** The real CLI in a child process; `timeout` only stops a command that should have refused to start. */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/futuresboard', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.split('\n').filter((l) => l !== '') };
}

/**
 * The simulator's BTC trades are worth about 450 to 55 000 USDT, a few per 250 ms bucket, so the
 * largest trade of a bucket is above 10 000 in some buckets and below it in others (or none):
 * the rule is seen clear and crosses within seconds of warm-up.
 */
const BIG_TRADE = {
  name: 'big-trade',
  series: 'trade.notional',
  op: '>=',
  threshold: 10_000,
  tier: 2,
  markets: ['BTC/USDT:USDT'],
};

/** Skip messages until an alert of `rule` arrives (in the subscribe snapshot or an update). */
async function nextAlertOf(c: TestClient, rule: string): Promise<AlertRecord> {
  for (;;) {
    const m: Msg = await c.next();
    const alerts: AlertRecord[] =
      m.type === 'snapshot' && m.channel === 'alerts' ? m.data : m.type === 'update' ? (m.channels.alerts ?? []) : [];
    const hit = alerts.find((a) => a.rule === rule);
    if (hit) return hit;
  }
}

describe('user rules in the live collector', () => {
  it('records a user:<name> alert, relays it to alert subscribers, and metrics verify recomputes it', async () => {
    const rig = await startRig(dir, {
      name: 'rules',
      tweak: (c) =>
        void (c.metrics = {
          bucketMs: 250,
          warmupBuckets: 4,
          zWindowBuckets: 20,
          zMinSamples: 4,
          alerts: { rules: [BIG_TRADE] },
        }),
    });
    let relayed!: AlertRecord;
    try {
      const client = await TestClient.connect(`ws://127.0.0.1:${rig.service.port}/`);
      try {
        expect((await client.next()).type).toBe('hello');
        client.send({ op: 'subscribe', channels: ['alerts'] });
        relayed = await nextAlertOf(client, 'user:big-trade');
      } finally {
        client.close();
      }
    } finally {
      await rig.stop();
    }
    expect(relayed).toMatchObject({
      market: 'BTC/USDT:USDT',
      tier: 2,
      direction: 'up',
      threshold: 10_000,
      inputs: { series: 'trade.notional' },
    });
    expect(relayed.value).toBeGreaterThanOrEqual(10_000);

    const db = new Database(rig.config.db, { readonly: true });
    const stored = db
      .prepare(
        "SELECT id, exchange, symbol, market, bucket_ts, tier, direction, value FROM alerts WHERE rule LIKE 'user:%'",
      )
      .all() as { id: number; exchange: string; symbol: string; market: string; bucket_ts: number }[];
    const total = db.prepare('SELECT count(*) FROM alerts').pluck().get() as number;
    db.close();
    // Only the markets the rule names; the relayed alert is a recorded one.
    expect(new Set(stored.map((a) => a.market))).toEqual(new Set(['BTC/USDT:USDT']));
    expect(stored).toContainEqual(
      expect.objectContaining({
        exchange: relayed.exchange,
        symbol: relayed.symbol,
        bucket_ts: relayed.bucket_ts,
        tier: 2,
        direction: 'up',
        value: relayed.value,
      }),
    );

    // The rules are part of the recorded config: verify recomputes every alert, user ones included.
    const verify = cli(['metrics', 'verify', '--db', rig.config.db]);
    expect(verify.stdout).toContain('OK, identical');
    expect(verify.status).toBe(0);
    expect(Number(/compared \d+ metric rows and (\d+) alerts/.exec(verify.stdout)?.[1])).toBe(total);

    // And it notices a user alert that is not in the file.
    const altered = join(dir, 'altered.db');
    copyFileSync(rig.config.db, altered);
    const w = new Database(altered);
    w.prepare('DELETE FROM alert_rows WHERE id = ?').run(stored[0].id);
    w.close();
    const missing = cli(['metrics', 'verify', '--db', altered]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('1 difference(s)');
    expect(missing.stdout).toMatch(/user:big-trade up: row: stored \(missing\), recomputed an alert/);
  });
});

describe('a bad rule in the config', () => {
  const config = join(dir, 'bad-rule.json');
  writeFileSync(
    config,
    JSON.stringify({
      metrics: {
        alerts: { rules: [BIG_TRADE, { name: 'btc70k', series: 'prise', op: 'crosses', threshold: 70_000 }] },
      },
    }),
  );
  const escaped = config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const PROBLEM = /: metrics\.alerts\.rules\[1\] "btc70k"\.series: "prise" is not a series: .*; did you mean price\?$/;

  it.skipIf(needsShared('the import of a recorded capture with a bad rule (../shared/captures)'))(
    'stops import before it writes anything: exit 2, one line naming the rule and the field',
    () => {
      const db = join(dir, 'import.db');
      const r = cli(['import', sharedPath('captures/okx.2022-05-13.jsonl'), '--db', db, '--config', config]);
      expect(r.status).toBe(2);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(new RegExp(`^futuresboard import: ${escaped}${PROBLEM.source}`));
      expect(existsSync(db)).toBe(false);
    },
  );

  it('stops collect before it starts: exit 2, one line naming the rule and the field', () => {
    const db = join(dir, 'collect.db');
    const r = cli(['collect', '--config', config, '--db', db, '--port', '0']);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(new RegExp(`^futuresboard collect: ${escaped}${PROBLEM.source}`));
    expect(existsSync(db)).toBe(false);
  });
});
