/**
 * `futuresboard simulate`: help, flag validation naming the flag, and a real start that prints
 * working endpoint URLs and stops cleanly when asked.
 */
import { FbError as CliError } from '../core/errors.ts';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/log.ts';
import { runSimulate } from './simulate.ts';
import { TestClient } from '../simulator/test-support.ts';

describe('futuresboard simulate', () => {
  it('prints help with every flag and its default', async () => {
    const out: string[] = [];
    expect(await runSimulate(['--help'], { out: (s) => out.push(s) })).toBe(0);
    const help = out.join('\n');
    expect(help).toMatch(/^Usage: futuresboard simulate/);
    for (const flag of [
      '--port <n>',
      '--source',
      '--markets',
      '--rate',
      '--seed',
      '--capture',
      '--fault-every',
      '--faults',
      '--write <dir>',
      '--hours <h>',
      '--segment <length>',
      '--start <time>',
      '--gap-at <minutes>',
    ])
      expect(help).toContain(flag);
    expect(help).toContain('(default: 8790)');
  });

  it.each([
    [['--source', 'live'], /--source must be synthetic or capture/],
    [['--rate', 'fast'], /--rate must be a number/],
    [['--faults', 'drop,melt'], /--faults: unknown fault "melt"/],
    [['--markets', 'PEPE', '--port', '0'], /PEPE=<price>/],
    [['--bogus'], /bogus/],
  ])('rejects %j naming the problem', async (argv, message) => {
    const run = runSimulate(argv, { out: () => {}, logger: silentLogger, stop: Promise.resolve() });
    await expect(run).rejects.toThrow(CliError);
    await expect(run).rejects.toThrow(message);
  });

  it('starts, prints endpoint URLs that answer, and stops when asked', async () => {
    const out: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let printed!: () => void;
    const banner = new Promise<void>((resolve) => (printed = resolve));
    const run = runSimulate(['--port', '0', '--rate', '50', '--markets', 'BTC,DOGE=0.15'], {
      out: (s) => {
        out.push(s);
        printed();
      },
      logger: silentLogger,
      stop: stopped,
    });
    await banner;
    const text = out.join('\n');
    const okx = /ws (ws:\/\/127\.0\.0\.1:\d+\/ws\/v5\/public)/.exec(text)?.[1];
    const root = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(text).toMatch(/binance-usdm {2}ws ws:\/\/127\.0\.0\.1:\d+\/public {2}ws:\/\/127\.0\.0\.1:\d+\/market/);
    expect(okx).toBeDefined();
    const c = await TestClient.open(okx!);
    c.send('ping');
    expect(await c.next()).toBe('pong');
    const oi = await (await fetch(`${root}/fapi/v1/openInterest?symbol=DOGEUSDT`)).json();
    expect(oi).toMatchObject({ symbol: 'DOGEUSDT' });
    stop();
    expect(await run).toBe(0);
    expect((await c.closed).code).toBe(1006);
    await expect(fetch(`${root}/_sim/state`)).rejects.toThrow();
  });
});
