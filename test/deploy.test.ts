/**
 * deploy/ stays runnable: every systemd unit starts a futuresboard command that exists with
 * options it accepts, every `--config` names one of the example configs by the instance
 * convention (futuresboard-<role>@NAME reads /etc/futuresboard/<role>-NAME.json), and every
 * example config validates. The help text is the command's own option list, so a renamed
 * flag fails here rather than on a production machine at start.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { type Config, loadConfig } from '../collector/config.ts';

const DEPLOY = 'deploy';
const CLI = '/opt/futuresboard/node_modules/.bin/futuresboard';
const ETC = '/etc/futuresboard/';
const DATA = '/var/lib/futuresboard';

/** `Key=value` lines of a unit file, comments and section headers left out; keys may repeat. */
function unitSettings(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of readFileSync(join(DEPLOY, file), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) settings.set(m[1], [...(settings.get(m[1]) ?? []), m[2]]);
  }
  return settings;
}

function one(settings: Map<string, string[]>, key: string): string {
  const values = settings.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0];
}

/** ExecStart split into words; the units use no quoting, so a quote would be a mistake here. */
function execStart(settings: Map<string, string[]>): string[] {
  const line = one(settings, 'ExecStart');
  expect(line).not.toMatch(/["'\\]/);
  return line.split(/\s+/);
}

/** `--name value` pairs after the command word; a flag without a value maps to null. */
function optionPairs(words: string[]): Map<string, string | null> {
  const options = new Map<string, string | null>();
  for (let i = 0; i < words.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)$/.exec(words[i]);
    expect(m, `"${words[i]}" is not an option`).not.toBeNull();
    const value = words[i + 1] !== undefined && !words[i + 1].startsWith('--') ? words[++i] : null;
    options.set((m as RegExpExecArray)[1], value);
  }
  return options;
}

/** Runs `futuresboard <command> --help` in-process: its options, and whether each takes a value. */
async function helpOptions(command: string): Promise<Map<string, boolean>> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const code = await main([command, '--help']);
  vi.restoreAllMocks();
  expect(code, `futuresboard ${command} --help: ${err.join('')}`).toBe(0);
  const options = new Map<string, boolean>();
  for (const line of out.join('').split('\n')) {
    const m = /^\s+--([a-z][a-z0-9-]*)(\s+<[^>]+>)?/.exec(line);
    if (m) options.set(m[1], m[2] !== undefined);
  }
  return options;
}

const files = readdirSync(DEPLOY);
const units = files.filter((f) => /^futuresboard-[a-z]+@\.service$/.test(f));
const examples = files.filter((f) => f.endsWith('.json'));

/** The futuresboard command a unit runs and the config file names its instances read. */
interface Role {
  unit: string;
  command: string;
  configFor: RegExp;
}

function roleOf(unit: string): Role {
  const words = execStart(unitSettings(unit));
  const config = optionPairs(words.slice(2)).get('config') ?? '';
  // The instance name (%i) is the only variable part of the config path.
  const m = /^\/etc\/futuresboard\/([a-z]+)-%i\.json$/.exec(config);
  if (!m) throw new Error(`${unit}: --config ${config} is not ${ETC}<role>-%i.json`);
  return { unit, command: words[1], configFor: new RegExp(`^${m[1]}-[a-z0-9-]+\\.json$`) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('deploy/ systemd units', () => {
  it('ship nats-server and the collect, store and relay roles', () => {
    expect(files).toContain('nats-server.service');
    expect(files).toContain('nats-server.conf');
    expect(units.sort()).toEqual([
      'futuresboard-collect@.service',
      'futuresboard-relay@.service',
      'futuresboard-store@.service',
    ]);
  });

  it('run the package bin, which package.json names futuresboard', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain(basename(CLI));
    for (const unit of units) expect(execStart(unitSettings(unit))[0], unit).toBe(CLI);
  });

  for (const unit of units) {
    it(`${unit}: its command exists and accepts the options given`, async () => {
      const words = execStart(unitSettings(unit));
      const known = await helpOptions(words[1]);
      for (const [name, value] of optionPairs(words.slice(2))) {
        expect(known.has(name), `${unit}: futuresboard ${words[1]} has no --${name}`).toBe(true);
        expect(value !== null, `${unit}: --${name} ${value === null ? 'needs' : 'takes no'} a value`).toBe(
          known.get(name),
        );
      }
    });

    it(`${unit}: runs as the futuresboard user, stops with SIGINT, restarts, writes only its data`, () => {
      const s = unitSettings(unit);
      expect(one(s, 'User')).toBe('futuresboard');
      expect(one(s, 'WorkingDirectory')).toBe(DATA);
      // SIGINT is the daemon's Ctrl-C path: it commits the last batch before exiting.
      expect(one(s, 'KillSignal')).toBe('SIGINT');
      expect(one(s, 'Restart')).toBe('always');
      expect(one(s, 'Environment')).toBe('NODE_ENV=production');
      expect(one(s, 'ProtectSystem')).toBe('strict');
      expect(one(s, 'ReadWritePaths')).toBe(DATA);
      expect(one(s, 'NoNewPrivileges')).toBe('yes');
      expect(one(s, 'Wants')).toContain('nats-server.service');
      expect(one(s, 'After')).toContain('nats-server.service');
    });
  }

  it('nats-server.service runs the configuration shipped beside it', () => {
    const words = execStart(unitSettings('nats-server.service'));
    expect(words[0]).toBe('/usr/sbin/nats-server');
    expect(words.slice(1)).toEqual([`-c`, `${ETC}nats-server.conf`]);
  });

  const natsServer = spawnSync('nats-server', ['--version']).status === 0;
  it.skipIf(!natsServer)('nats-server.conf passes `nats-server -t`', () => {
    const check = spawnSync('nats-server', ['-t', '-c', join(DEPLOY, 'nats-server.conf')], { encoding: 'utf8' });
    expect(check.status, check.stderr + check.stdout).toBe(0);
  });
});

describe('deploy/ example configs', () => {
  const roles = units.map(roleOf);
  // Collect's instances read collect-NAME.json, and so on: the prefix is the command.
  it('name their config after the command: futuresboard-<command>@NAME reads <command>-NAME.json', () => {
    for (const r of roles) expect(r.configFor.source, r.unit).toContain(`^${r.command}-`);
  });
  const roleFor = (file: string) => roles.filter((r) => r.configFor.test(file));
  // env: {} so a FUTURESBOARD_* variable of the machine running the tests changes nothing.
  const load = (file: string): Config => loadConfig({ path: join(DEPLOY, file), env: {} });

  it('each unit has at least one example config, and each example belongs to exactly one unit', () => {
    for (const r of roles)
      expect(
        examples.filter((f) => r.configFor.test(f)),
        r.unit,
      ).not.toHaveLength(0);
    for (const f of examples)
      expect(
        roleFor(f).map((r) => r.unit),
        f,
      ).toHaveLength(1);
  });

  for (const file of examples) {
    it(`${file} validates and uses the bus`, () => {
      const config = load(file);
      expect(config.bus, `${file}: bus`).not.toBeNull();
    });
  }

  it('every role talks to the same server and creates the streams with the same settings', () => {
    const buses = examples.map((f) => load(f).bus);
    for (const bus of buses) {
      expect(bus?.url).toBe(buses[0]?.url);
      expect(bus?.stream).toEqual(buses[0]?.stream);
    }
  });

  it('can all run on one machine: distinct ports, folders, sources and consumers', () => {
    const configs = examples.map((f) => ({ file: f, role: roleFor(f)[0].command, config: load(f) }));
    const distinct = (values: unknown[]) => expect(new Set(values).size).toBe(values.length);
    distinct(configs.map((c) => c.config.http.port));
    const writers = configs.filter((c) => c.role !== 'relay');
    distinct(writers.map((c) => c.config.store.dir));
    for (const c of writers) expect(c.config.store.dir?.startsWith(`${DATA}/`), c.file).toBe(true);
    distinct(configs.filter((c) => c.role === 'collect').map((c) => c.config.bus?.source));
    distinct(configs.filter((c) => c.role === 'store').map((c) => c.config.bus?.consumer));
  });
});
