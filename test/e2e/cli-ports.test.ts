/**
 * Port options are decimal numbers, on every command: "1e3" or "0x10" would silently bind some
 * other port. A bad one is refused with one line before anything starts (the demo used to have
 * its simulator and collector running when it read --site-port).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(args: string[]) {
  return spawnSync(process.execPath, ['bin/futuresboard', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('port options', () => {
  it.each([
    ['demo', '--site-port', '80.5'],
    ['demo', '--sim-port', '0x10'],
    ['collect', '--port', '1e3'],
    ['simulate', '--port', ' 80'],
    ['replay', '--port', '1e3'],
  ])('%s %s %j is refused with one line, exit 2, before anything starts', (command, flag, value) => {
    const args =
      command === 'replay'
        ? ['replay', '--db', 'test/replay/fixtures/session.sqlite', '--relay', flag, value]
        : [command, flag, value];
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `futuresboard ${command}: ${flag}: must be a decimal port number 0-65535 (0: any free port), got ${JSON.stringify(value)}`,
    ]);
  });
});
