/**
 * `futuresboard replay --alerts`: the alerts the metrics engine computes while replaying a
 * recording, as JSON lines. On the bundled sample session they are exactly the alerts the
 * collector's pipeline recorded "as live" while the simulator generated it (same engine, same
 * recorded settings), which is what the site's replay page must show.
 */
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../cli/replay.ts';
import { captureIo, nodeReplayAlerts, recordedAlerts, SAMPLE_SESSION } from './site-rig.ts';

const SAMPLE = ['--recordings', SAMPLE_SESSION];

describe('futuresboard replay --alerts', () => {
  it('prints the alerts the recording holds, computed again from its events', async () => {
    const recorded = recordedAlerts(SAMPLE_SESSION);
    expect(recorded.length).toBeGreaterThan(20);
    expect(await nodeReplayAlerts(SAMPLE)).toEqual(recorded);
  });

  it('prints full alert records: value, threshold, inputs, in receipt order', async () => {
    const io = captureIo();
    await runReplay([...SAMPLE, '--alerts', '--markets', 'BTC/USDT:USDT'], io);
    const alerts = io.stdout
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.market))).toEqual(new Set(['BTC/USDT:USDT']));
    for (const a of alerts)
      expect(Object.keys(a)).toEqual(
        expect.arrayContaining(['local_ts', 'bucket_ts', 'tier', 'rule', 'direction', 'value', 'threshold', 'inputs']),
      );
    const times = alerts.map((a) => a.local_ts as number);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('refuses --alerts with --kinds or --relay, naming the fix', async () => {
    const io = captureIo();
    await expect(runReplay([...SAMPLE, '--alerts', '--kinds', 'trade'], io)).rejects.toThrow(
      /--alerts computes alerts from every event kind: drop --kinds/,
    );
    await expect(runReplay([...SAMPLE, '--alerts', '--relay'], io)).rejects.toThrow(
      /--alerts prints alerts; --relay already serves them/,
    );
  });
});
