/**
 * The /metrics exposition: lint-clean for Prometheus (promtool, when installed) and stable
 * between scrapes, so two scrapers (or one retrying) read the same event-loop figures.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from './telemetry.ts';

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) console.log('promtool not installed (Debian package prometheus): the lint test is skipped');

let telemetry: Telemetry | undefined;
afterEach(() => telemetry?.stop());

function lineOf(text: string, name: string): string {
  return text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
}

describe('telemetry', () => {
  it('keeps the event-loop figures of a closed window until the next one closes, however often it is scraped', async () => {
    telemetry = createTelemetry({ eventLoopWindowMs: 200 });
    // One long task once the monitor has sampled a few times (it measures the gap between samples).
    await new Promise<void>((done) =>
      setTimeout(() => {
        const until = Date.now() + 120;
        while (Date.now() < until);
        done();
      }, 60),
    );
    let first = '';
    await expect
      .poll(
        async () => {
          first = await telemetry!.registry.metrics();
          return Number(lineOf(first, 'futuresboard_event_loop_delay_max_seconds').split(' ')[1]);
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0.05);
    const second = await telemetry.registry.metrics();
    for (const stat of ['p50', 'p99', 'max']) {
      const name = `futuresboard_event_loop_delay_${stat}_seconds`;
      expect(lineOf(second, name)).toBe(lineOf(first, name));
    }
  });

  it.skipIf(!promtool)('passes promtool check metrics with every series populated', async () => {
    telemetry = createTelemetry();
    telemetry.events.inc({ exchange: 'okx-swap', kind: 'trade' });
    telemetry.writeBatch.observe(0.004);
    telemetry.relayDrops.inc({ reason: 'slow' });
    telemetry.setWriterLagSource(() => 12);
    telemetry.setAlertDeliveryStats(() => ({ pending: 1, failed: 0, delivered: 3, failing: 0 }));
    telemetry.setStorageSource(() => ({
      diskFreeBytes: 5e9,
      store: {
        dir: 'rec',
        segments: 2,
        closedBytes: 1000,
        hotBytes: 4096,
        oldestFrom: 0,
        newestTo: 1,
        pins: 0,
        closing: 0,
        diskFreeBytes: 5e9,
        error: null,
      },
    }));
    const lint = spawnSync('promtool', ['check', 'metrics'], {
      input: await telemetry.registry.metrics(),
      encoding: 'utf8',
    });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
