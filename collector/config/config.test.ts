/**
 * Loading futuresboard.config.json: real files in a temp folder, environment overrides, and
 * hostile or mistaken input refused with one line naming the field (and never a secret).
 */
import { FbError as ConfigError } from '../../core/errors.ts';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { defaultConfig, loadConfig, validateConfig } from '../config.ts';

const dir = tempDir('fb-config-');
let n = 0;

/** Writes `body` (an object, or raw text) to a fresh file and loads it with `env`. */
function load(body: unknown, env: Record<string, string> = {}) {
  const path = join(dir, `config-${++n}.json`);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return loadConfig({ path, env });
}

/** The one-line error loading `body` gives, without the file name. */
function problem(body: unknown, env: Record<string, string> = {}): string {
  try {
    load(body, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message.replace(/^.*config-\d+\.json: /, '');
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

describe('loadConfig', () => {
  it('gives the defaults without a file, as fresh objects', () => {
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config).toEqual(defaultConfig());
    expect(config.http).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      allowedHosts: [],
      token: null,
      maxSubscriptions: 1000,
    });
    config.http.origins.push('https://changed.example');
    config.exchanges['okx-swap'].markets.symbols!.push('DOGE-USDT-SWAP');
    expect(defaultConfig().http.origins).toHaveLength(4);
    expect(defaultConfig().exchanges['okx-swap'].markets.symbols).toHaveLength(3);
  });

  it('overlays the file on the defaults: sections merge, markets, ws endpoints and lists replace', () => {
    const config = load({
      $schema: './docs/config.schema.json',
      http: { port: 9000, allowedHosts: ['board.lan'], maxSubscriptions: 50 },
      metrics: { bucketMs: 2000, alerts: { tier3: { timeframe: '1m' } } },
      webhooks: [
        {
          url: 'https://api.telegram.org/bot1:x/sendMessage',
          format: 'telegram',
          chatId: -1001,
          name: 'desk',
          minTier: 3,
        },
      ],
      exchanges: {
        'bybit-linear': { markets: { top: 20 } },
        'okx-swap': { enabled: false, endpoints: { ws: { public: 'ws://127.0.0.1:9/okx' } } },
      },
    });
    expect(config.http).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      allowedHosts: ['board.lan'],
      maxSubscriptions: 50,
      maxBufferedBytes: 4 * 1024 * 1024,
    });
    expect(config.metrics).toMatchObject({ bucketMs: 2000, alerts: { tier3: { timeframe: '1m' } } });
    expect(config.webhooks).toEqual([
      {
        url: 'https://api.telegram.org/bot1:x/sendMessage',
        format: 'telegram',
        chatId: '-1001',
        name: 'desk',
        minTier: 3,
      },
    ]);
    expect(config.exchanges['bybit-linear'].markets).toEqual({ top: 20 });
    expect(config.exchanges['okx-swap']).toEqual({
      enabled: false,
      endpoints: { ws: { public: 'ws://127.0.0.1:9/okx' }, rest: 'https://www.okx.com' },
      markets: { symbols: ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'] },
    });
  });

  it('applies every FUTURESBOARD_* override on top of the file, and FUTURESBOARD_CONFIG names the file', () => {
    const path = join(dir, 'env-named.json');
    writeFileSync(path, JSON.stringify({ db: 'file.db', http: { port: 1234 } }));
    const config = loadConfig({
      cwd: dir,
      env: {
        FUTURESBOARD_CONFIG: path,
        FUTURESBOARD_DB: 'env.db',
        FUTURESBOARD_HOST: 'localhost',
        FUTURESBOARD_PORT: '8080',
        FUTURESBOARD_TOKEN: 'a-token-of-16-chars',
        FUTURESBOARD_ORIGINS: 'https://a.example, https://b.example,',
        FUTURESBOARD_RAW: 'raw.jsonl',
      },
    });
    expect(config).toMatchObject({
      db: 'env.db',
      raw: 'raw.jsonl',
      http: {
        host: 'localhost',
        port: 8080,
        token: 'a-token-of-16-chars',
        origins: ['https://a.example', 'https://b.example'],
      },
    });
    expect(problem({}, { FUTURESBOARD_TOKEN: 'short' })).toBe(
      'http.token (set by FUTURESBOARD_TOKEN): must be at least 16 characters',
    );
  });

  it.each(['1e3', '0x10', ' 80', '80.0', '65536', '-1', '+80', ''.padEnd(6, '1')])(
    'refuses FUTURESBOARD_PORT=%j: decimal digits only',
    (port) => {
      expect(problem({}, { FUTURESBOARD_PORT: port })).toBe(
        `FUTURESBOARD_PORT: must be a decimal port number 0-65535 (0: any free port), got ${JSON.stringify(port)}`,
      );
    },
  );

  it('refuses keys that name object internals, before anything merges them, and leaves Object.prototype alone', () => {
    expect(problem('{"metrics":{"__proto__":{"toString":null}}}')).toBe(
      'metrics.__proto__: key not allowed (it names a JavaScript object internal); remove it',
    );
    expect(problem('{"webhooks":[{"constructor":{"prototype":{"polluted":true}}}]}')).toBe(
      'webhooks[0].constructor: key not allowed (it names a JavaScript object internal); remove it',
    );
    expect(problem('{"exchanges":{"okx-swap":{"endpoints":{"ws":{"prototype":"wss://x"}}}}}')).toMatch(
      /^exchanges\.okx-swap\.endpoints\.ws\.prototype: key not allowed/,
    );
    expect(problem('{"__proto__":{"db":"x"}}')).toMatch(/^__proto__: key not allowed/);
    expect(typeof ({} as { toString: unknown }).toString).toBe('function');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each([
    [{ webhooks: [null] }, 'webhooks[0]: must be an object, got null'],
    [{ raw: 5 }, 'raw: must be the path of a raw capture archive (.jsonl), or null for none'],
    [
      { webhooks: [{ url: 'https://example.invalid/h', format: 'json', minTeir: 3 }] },
      'webhooks[0].minTeir: unknown key; did you mean minTier?',
    ],
    [
      { exchanges: { 'okx-swap': { markets: { symbol: ['BTC-USDT-SWAP'] } } } },
      /^exchanges\.okx-swap\.markets\.symbol: unknown key; did you mean symbols\?/,
    ],
    [
      { exchanges: { 'okx-swap': { markets: { symbols: ['BTC-USDT-SWAP'], top: 3 } } } },
      'exchanges.okx-swap.markets: give "symbols": ["..."] or "top": N (a positive integer), not both',
    ],
    [
      { exchanges: { kraken: {} } },
      /^exchanges\.kraken: unknown key; known keys here: binance-usdm, bybit-linear, okx-swap/,
    ],
    [{ metrics: { warmupBucket: 3 } }, 'metrics.warmupBucket: unknown key; did you mean warmupBuckets?'],
    [
      { metrics: { composite: { weights: { cvdd: 1 } } } },
      'metrics.composite.weights.cvdd: unknown key; did you mean cvd?',
    ],
    [
      { metrics: { zMinSamples: 500 } },
      'metrics.zMinSamples: 500 exceeds zWindowBuckets 180; lower it or widen the window',
    ],
    [{ http: { port: 70_000 } }, 'http.port: must be at most 65535, got 70000'],
    [{ http: { port: '80' } }, 'http.port: must be a number, got a string'],
    [{ http: { port: 80.5 } }, 'http.port: must be an integer, got a number'],
    [{ http: { maxSubscriptions: 0 } }, 'http.maxSubscriptions: must be at least 1, got 0'],
    [{ writer: { flushRows: 10, maxPendingRows: 5 } }, 'writer.maxPendingRows: must be at least writer.flushRows'],
    [
      { webhooks: [{ url: 'https://api.telegram.org/botX/sendMessage', format: 'telegram' }] },
      'webhooks[0].chatId: required for the telegram format (the chat to post to)',
    ],
    [
      { webhooks: [{ url: 'https://x.example/h', format: 'teams' }] },
      'webhooks[0].format: must be one of "json", "discord", "slack", "telegram"',
    ],
  ])('refuses %j with one line naming the field', (body, expected) => {
    expect(problem(body)).toMatch(expected);
  });

  it('refuses a webhook URL with user:password@ without repeating the secret', () => {
    const message = problem({ webhooks: [{ url: 'http://ops:pa55w0rd-secret@hooks.example/h', format: 'json' }] });
    expect(message).toBe(
      'webhooks[0].url: must not contain a user name or password (user:pass@); use the secret URL the service gives you',
    );
  });
});

describe('http.host and http.allowedHosts', () => {
  const HOST_RULE = /^http\.host: must be the address to bind: "127\.0\.0\.1" .* null and "" are not allowed$/;

  it.each([null, '', ' ', '0.0.0.0 '])('refuses host %j: binding every interface needs an explicit address', (host) => {
    expect(problem({ http: { host } })).toMatch(HOST_RULE);
  });

  it('needs the names clients use when binding every interface, and takes them without a port', () => {
    expect(problem({ http: { host: '0.0.0.0' } })).toBe(
      'http.allowedHosts: list the names clients use to reach this machine (e.g. ["192.168.1.20", "board.lan"]) when binding 0.0.0.0',
    );
    expect(problem({ http: { host: '0.0.0.0', allowedHosts: ['board.lan:8787'] } })).toBe(
      'http.allowedHosts[0]: must be a host name or address without scheme or port, such as "board.lan"',
    );
    expect(problem({ http: { host: '0.0.0.0', allowedHosts: ['https://board.lan'] } })).toMatch(
      /^http\.allowedHosts\[0\]: must be a host name/,
    );
    expect(
      load({ http: { host: '0.0.0.0', allowedHosts: ['board.lan', '192.168.1.20', '[fe80::1]'] } }).http.allowedHosts,
    ).toHaveLength(3);
    expect(load({ http: { host: '192.168.1.20' } }).http.host).toBe('192.168.1.20');
  });

  it('checks a config changed after loading (command-line overrides) by the same rules', () => {
    const config = defaultConfig();
    config.http.host = '';
    expect(() => validateConfig(config)).toThrow(HOST_RULE);
  });
});

describe('store and sizes', () => {
  it('defaults to one database file, 1 h segments, 14 days / 50 GB retention and 1 GB free disk, as numbers', () => {
    const config = defaultConfig();
    expect(config.db).toBe('data/futures.db');
    expect(config.store).toEqual({ dir: null, segment: '1h', retain: { maxAge: 14 * 86_400_000, maxBytes: 50e9 } });
    expect(config.health.minFreeDiskBytes).toBe(1e9);
    expect(() => validateConfig(config)).not.toThrow();
  });

  it('reads sizes and durations, puts the hot database in store.dir unless db names one, and takes FUTURESBOARD_STORE_DIR', () => {
    const config = load({
      store: { dir: 'data/recordings', segment: '1m', retain: { maxAge: '2w', maxBytes: '1.5GiB' } },
      health: { minFreeDiskBytes: '500MB' },
    });
    expect(config.db).toBe(join('data/recordings', 'hot.db'));
    expect(config.store).toEqual({
      dir: 'data/recordings',
      segment: '1m',
      retain: { maxAge: 14 * 86_400_000, maxBytes: 1.5 * 2 ** 30 },
    });
    expect(config.health.minFreeDiskBytes).toBe(500e6);
    expect(() => validateConfig(config)).not.toThrow();
    expect(load({ db: 'elsewhere.db', store: { dir: 'rec', retain: { maxAge: null, maxBytes: null } } })).toMatchObject(
      {
        db: 'elsewhere.db',
        store: { retain: { maxAge: null, maxBytes: null } },
      },
    );
    expect(load({}, { FUTURESBOARD_STORE_DIR: 'env-rec' })).toMatchObject({ db: join('env-rec', 'hot.db') });
  });

  it.each([
    [{ store: { segment: '2h' } }, 'store.segment: must be one of "1m", "5m", "15m", "1h", "1d"'],
    [
      { store: { dir: '' } },
      'store.dir: must be a folder path such as "data/recordings", or null for one database file',
    ],
    [
      { store: { retain: { maxAge: '14 days' } } },
      'store.retain.maxAge: must be a duration such as "30s", "15m", "1h", "14d" or "2w" (a plain integer is milliseconds)',
    ],
    [
      { store: { retain: { maxBytes: -1 } } },
      'store.retain.maxBytes: must be a size such as "500MB", "50GB" or "1.5TiB" (a plain integer is bytes)',
    ],
    [
      { health: { minFreeDiskBytes: true } },
      'health.minFreeDiskBytes: must be a size such as "500MB", "50GB" or "1.5TiB" (a plain integer is bytes)',
    ],
    [{ store: { retain: { maxByte: '1GB' } } }, 'store.retain.maxByte: unknown key; did you mean maxBytes?'],
  ])('refuses %j naming the field', (body, line) => {
    expect(problem(body)).toBe(line);
  });
});

describe('the collect command', () => {
  /** Runs the real CLI; resolves with its exit code and stderr. */
  const collect = (args: string[]) =>
    spawnSync(process.execPath, ['bin/futuresboard', 'collect', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('refuses a hostile config and a non-decimal --port with one line and exit 2, no stack trace', () => {
    const proto = join(dir, 'proto.json');
    writeFileSync(proto, '{"metrics":{"__proto__":{"toString":null}}}');
    const refused = collect(['--config', proto, '--db', join(dir, 'never.db')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `futuresboard collect: ${proto}: metrics.__proto__: key not allowed (it names a JavaScript object internal); remove it\n`,
    );
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const port = collect(['--config', empty, '--port', '1e3', '--db', join(dir, 'never.db')]);
    expect(port.status).toBe(2);
    expect(port.stderr).toBe(
      'futuresboard collect: --port: must be a decimal port number 0-65535 (0: any free port), got "1e3"\n',
    );
  });
});
