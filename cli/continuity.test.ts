import { describe, expect, it } from 'vitest';
import { createRedactor } from '../continuity/redact.ts';
import { run } from '../continuity/test-support.ts';

describe('continuity command line', () => {
  it('lists the commands with --help and each command has its own --help', async () => {
    const top = await run(['--help'], { env: {} });
    expect(top.code).toBe(0);
    for (const c of ['snapshot', 'report', 'sync', 'phase set', 'phase show', 'watch'])
      expect(top.out).toContain(`  ${c} `);
    const sync = await run(['sync', '--help'], { env: {} });
    expect(sync.code).toBe(0);
    expect(sync.out).toContain('Usage: futuresboard continuity sync');
    expect(sync.out).toContain('--attempts <n>');
    const watch = await run(['watch', '--help'], { env: {} });
    expect(watch.out).toContain('post each change to the configured webhooks');
    expect(watch.out).toMatch(/--notify +also post each transition to the webhooks in the config/);
    expect(watch.out).toContain('--notify-grace <duration>');
  });

  it('answers a usage mistake with one line and exit code 2', async () => {
    expect(await run([], { env: {} })).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: futuresboard continuity <command>'),
    });
    const unknown = await run(['snapshots'], { env: {} });
    expect(unknown).toMatchObject({
      code: 2,
      err: 'continuity snapshots: unknown continuity command "snapshots"; one of: snapshot, report, sync, phase, watch',
    });
    const flag = await run(['snapshot', '--hist', '3'], { env: {} });
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--hist'");
    const phase = await run(['phase', 'list'], { env: {} });
    expect(phase).toMatchObject({ code: 2, err: expect.stringContaining('phase set <tag> "<note>" | phase show') });
  });
});

describe('redaction', () => {
  it('hides URL credentials and token-looking environment values, leaving other text alone', () => {
    const redact = createRedactor(
      { GH_TOKEN: 'gho_abcdef123', MY_API_SECRET: 's3cr3t-value', HOME: '/root', SHORT_TOKEN: 'ab' },
      ['daemon-tok'],
    );
    expect(redact("fatal: unable to access 'https://x-access-token:gho_abcdef123@github.com/o/r.git/'")).toBe(
      "fatal: unable to access 'https://***@github.com/o/r.git/'",
    );
    expect(redact('push https://gho_abcdef123@github.com/o/r.git')).toBe('push https://***@github.com/o/r.git');
    expect(redact('secret s3cr3t-value and daemon-tok in /root, ab stays')).toBe(
      'secret *** and *** in /root, ab stays',
    );
    expect(redact('git@github.com:o/r.git and http://host/path')).toBe('git@github.com:o/r.git and http://host/path');
  });
});
