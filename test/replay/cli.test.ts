/**
 * `futuresboard replay` and `futuresboard backtest` as a user runs them: printed events, paced
 * replay, a closed pipe, the relay serving a replay to a websocket client, reports written to
 * disk, a ranked sweep, and usage errors that name the flag.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../helpers/capture-io.ts';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultConfig } from '../../collector/config.ts';
import { silentLogger } from '../../core/log.ts';
import type { Db } from '../../core/db.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { runBacktest } from '../../cli/backtest.ts';
import { runReplay } from '../../cli/replay.ts';
import { startReplayRelay } from '../../cli/replay-relay.ts';
import { fileRecording } from '../../replay/adapters/recordings-dir.ts';
import { FIXTURE_DB, openFixture } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fb-replay-cli-'));
let db: Db;
let all: RecordedEvent[];
beforeAll(async () => {
  db = await openFixture('better-sqlite3');
  all = [...readEvents(db)];
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const W = { from: '2025-06-13T07:51:00Z', to: '2025-06-13T07:53:00Z' };

describe('futuresboard replay', () => {
  it('prints the filtered events as JSON lines, exactly as recorded', async () => {
    const io = captureIo();
    expect(
      await runReplay(
        ['--db', FIXTURE_DB, '--from', W.from, '--to', W.to, '--markets', 'BTC/USDT:USDT', '--kinds', 'trade,gap'],
        io,
      ),
    ).toBe(0);
    const lines = io.stdout.text().trimEnd().split('\n');
    const expected = all.filter(
      (e) =>
        e.local_ts >= Date.parse(W.from) &&
        e.local_ts < Date.parse(W.to) &&
        (e.kind === 'gap' || (e.kind === 'trade' && e.market === 'BTC/USDT:USDT')),
    );
    expect(lines).toEqual(expected.map((e) => JSON.stringify(e)));
    expect(lines.some((l) => l.includes('"kind":"gap"'))).toBe(true);
  });

  it('paces by receipt time at the chosen speed', async () => {
    const io = captureIo();
    const from = Date.parse('2025-06-13T08:00:00Z');
    const started = performance.now();
    await runReplay(['--db', FIXTURE_DB, '--from', String(from), '--to', String(from + 10_000), '--speed', '50x'], io);
    const took = performance.now() - started;
    const lines = io.stdout
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedEvent);
    const span = lines[lines.length - 1].local_ts - lines[0].local_ts;
    expect(span).toBeGreaterThan(9000);
    expect(took).toBeGreaterThanOrEqual(span / 50 - 5);
  });

  it('prints --help, and refuses bad options naming the flag', async () => {
    const io = captureIo();
    expect(await runReplay(['--help'], io)).toBe(0);
    expect(io.stdout.text()).toMatch(/Usage: futuresboard replay \(--db <file> \| --recordings <dir>\)/);
    await expect(runReplay([], io)).rejects.toThrow(/--db <file> or --recordings <dir> is required/);
    await expect(runReplay(['--db', join(dir, 'none.sqlite')], io)).rejects.toThrow(/no such file/);
    await expect(runReplay(['--db', FIXTURE_DB, '--from', '2025-06-13 07:50'], io)).rejects.toThrow(
      /--from must be an ISO time with a zone/,
    );
    await expect(runReplay(['--db', FIXTURE_DB, '--speed', 'fast'], io)).rejects.toThrow(
      /--speed must be a positive multiple/,
    );
    await expect(runReplay(['--db', FIXTURE_DB, '--kinds', 'candles'], io)).rejects.toThrow(
      /--kinds: unknown kind candles/,
    );
    await expect(runReplay(['--db', FIXTURE_DB, '--port', '9000'], io)).rejects.toThrow(/only apply with --relay/);
  });

  it('stops quietly when the reader closes the pipe (futuresboard replay | head -1)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'replay', '--db', FIXTURE_DB], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
    });
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(JSON.parse(first)).toEqual(all[0]);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Error/);
  });
});

describe('futuresboard replay --relay', () => {
  it('serves the replay on the live relay protocol: events, the gap, and the metrics computed from them', async () => {
    const filter = { from: Date.parse(W.from), to: Date.parse(W.to), markets: ['BTC/USDT:USDT'] };
    const config = defaultConfig();
    config.http.port = 0;
    const relay = await startReplayRelay({
      recording: fileRecording(FIXTURE_DB),
      filter,
      speed: 'max',
      config,
      logger: silentLogger,
      startPaused: true,
    });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/`);
      const got: Record<string, unknown[]> = { trades: [], gaps: [], tickers: [], metrics: [] };
      const expected = all.filter(
        (e) =>
          e.local_ts >= filter.from && e.local_ts < filter.to && (e.market === 'BTC/USDT:USDT' || e.kind === 'gap'),
      );
      const expectedTrades = expected.filter((e) => e.kind === 'trade').length;
      let subscribed!: () => void;
      let complete!: () => void;
      const onSubscribed = new Promise<void>((r) => (subscribed = r));
      const allTrades = new Promise<void>((r) => (complete = r));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data));
        if (msg.type === 'subscribed') subscribed();
        if (msg.type !== 'update') return;
        for (const [channel, items] of Object.entries(msg.channels as Record<string, unknown[]>))
          got[channel]?.push(...items);
        if (got.trades.length === expectedTrades) complete();
      });
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['trades', 'gaps', 'tickers', 'metrics'], markets: null }));
      await onSubscribed;
      relay.player.resume();
      const status = await relay.finished;
      await allTrades;
      expect(status).toMatchObject({ emitted: expected.length, done: true });
      expect(got.trades).toEqual(expected.filter((e) => e.kind === 'trade'));
      expect(got.gaps).toEqual(expected.filter((e) => e.kind === 'gap'));
      expect(got.metrics.length).toBeGreaterThan(5);
      expect(got.metrics[0]).toMatchObject({ market: 'BTC/USDT:USDT', exchange: 'binance-usdm', warmup: true });
      ws.close();
    } finally {
      await relay.close();
    }
  });
});

describe('futuresboard backtest', () => {
  it('prints the Markdown report, and with --out writes report.json, trades.csv, equity.csv and report.md', async () => {
    const io = captureIo();
    const out = join(dir, 'single');
    expect(await runBacktest(['--db', FIXTURE_DB, '--strategy', 'zscore-revert', '--out', out], io)).toBe(0);
    expect(io.stdout.text()).toMatch(/^# Backtest: zscore-revert/);
    expect(io.stdout.text()).toMatch(/\| Sharpe \| [-\d.]+ \| per 1m return, 30 periods, not annualised \|/);
    expect(io.stderr.text()).toMatch(/backtest zscore-revert 100%/);
    expect(readdirSync(out).sort()).toEqual(['equity.csv', 'report.json', 'report.md', 'trades.csv']);
    const golden = readFileSync(join(ROOT, 'test/replay/golden/zscore-revert.report.json'), 'utf8');
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(golden);
  });

  it('sweeps every combination, writes each run and prints them ranked', async () => {
    const io = captureIo();
    const out = join(dir, 'sweep');
    const code = await runBacktest(
      [
        '--db',
        FIXTURE_DB,
        '--strategy',
        'zscore-revert',
        '--param',
        'notional=500',
        '--sweep',
        'entry_z=1.5,2,2.5',
        '--sweep',
        'exit_z=0,0.5',
        '--rank',
        'total_return',
        '--out',
        out,
      ],
      io,
    );
    expect(code).toBe(0);
    const runs = readdirSync(out)
      .filter((d) => d.startsWith('run-'))
      .sort();
    expect(runs).toEqual([
      'run-001_entry_z-1.5_exit_z-0',
      'run-002_entry_z-1.5_exit_z-0.5',
      'run-003_entry_z-2_exit_z-0',
      'run-004_entry_z-2_exit_z-0.5',
      'run-005_entry_z-2.5_exit_z-0',
      'run-006_entry_z-2.5_exit_z-0.5',
    ]);
    const returns = runs.map(
      (r) =>
        JSON.parse(readFileSync(join(out, r, 'report.json'), 'utf8')) as {
          total_return: number;
          params: Record<string, unknown>;
        },
    );
    expect(returns.every((r) => r.params.notional === 500)).toBe(true);
    const table = io.stdout.text().split('\n');
    expect(table[0]).toMatch(/^rank\s+entry_z\s+exit_z\s+total_return\s+sharpe/);
    const ranked = table.slice(2, 8).map((l) => l.split(/\s+/));
    const best = [...returns].sort((a, b) => b.total_return - a.total_return)[0];
    expect(ranked[0].slice(1, 3)).toEqual([String(best.params.entry_z), String(best.params.exit_z)]);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').split('\n')[0]).toBe(
      'rank,entry_z,exit_z,total_return,sharpe,sortino,max_drawdown,trades,win_rate,net_pnl,fees_paid,return_interval,dir',
    );
  });

  it('refuses bad requests before running anything, naming the flag or parameter', async () => {
    const io = captureIo();
    const base = ['--db', FIXTURE_DB];
    await expect(runBacktest(base, io)).rejects.toThrow(
      /--strategy <name> is required: one of zscore-revert, funding-carry, follow-tier2/,
    );
    await expect(runBacktest([...base, '--strategy', 'momo'], io)).rejects.toThrow(/unknown strategy "momo"/);
    await expect(runBacktest([...base, '--strategy', 'zscore-revert', '--param', 'entry_z'], io)).rejects.toThrow(
      /--param takes name=value/,
    );
    await expect(runBacktest([...base, '--strategy', 'zscore-revert', '--sweep', 'entry_z=1,x'], io)).rejects.toThrow(
      /parameter entry_z must be a number/,
    );
    await expect(runBacktest([...base, '--strategy', 'zscore-revert', '--sweep', 'entry_z=1,2'], io)).rejects.toThrow(
      /a sweep writes one report per run: give --out/,
    );
    await expect(runBacktest([...base, '--strategy', 'zscore-revert', '--rank', 'luck'], io)).rejects.toThrow(
      /--rank must be one of sharpe/,
    );
    await expect(
      runBacktest([...base, '--strategy', 'zscore-revert', '--from', '2030-01-01T00:00:00Z'], io),
    ).rejects.toThrow(/no events/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('lists the strategies and every parameter with its default in --help', async () => {
    const io = captureIo();
    expect(await runBacktest(['--help'], io)).toBe(0);
    const help = io.stdout.text();
    for (const s of [
      'zscore-revert',
      'funding-carry',
      'follow-tier2',
      'entry_z',
      'min_rate',
      'slippage_bps',
      'fee_bybit_taker_bps',
    ])
      expect(help).toContain(s);
    expect(help).toMatch(/fee_bybit_taker_bps\s+bybit taker fee in bps \(default: 5.5\)/);
  });
});
