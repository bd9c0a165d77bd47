/**
 * Configuration: defaults, `futuresboard.config.json` (or a path given with --config) and
 * FUTURESBOARD_* environment overrides, validated with errors that name the field and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXCHANGES, type ExchangeId } from '../replay/core/events.ts';
import { mergeMetricsConfig, validateMetricsConfig } from '../replay/core/metrics/config.ts';
import type { ExchangeEndpoints } from './exchanges/types.ts';

export interface MarketSelection {
  /** Native symbols, e.g. ["BTCUSDT"] or ["BTC-USDT-SWAP"]. */
  symbols?: string[];
  /** Or the top N perpetuals by 24 h quote volume. */
  top?: number;
}

export interface ExchangeConfig {
  enabled: boolean;
  endpoints: ExchangeEndpoints;
  markets: MarketSelection;
}

export interface Config {
  /** SQLite database the collector writes. */
  db: string;
  /** Optional raw frame archive (capture format), null for none. */
  raw: string | null;
  http: {
    host: string;
    port: number;
    /** Origins allowed to open the websocket relay and call the HTTP API (CORS). */
    origins: string[];
    /** Optional bearer token required by the relay and the API. */
    token: string | null;
    maxPayloadBytes: number;
    /** Per-client send buffer above which latest-state channels are coalesced, then dropped, then the client closed. */
    maxBufferedBytes: number;
  };
  writer: {
    /** Flush a batch at least this often. */
    flushMs: number;
    /** Or as soon as this many events are pending. */
    flushRows: number;
    /** Events held in memory while the database refuses writes (disk full); beyond, dropped and recorded as a gap. */
    maxPendingRows: number;
  };
  feed: {
    backoffBaseMs: number;
    backoffCapMs: number;
    restTimeoutMs: number;
  };
  health: {
    /** A feed with no data message for this long is stale (degraded). */
    staleMs: number;
    /** Writer lag above this is degraded. */
    writerLagMs: number;
    /** Free disk below this is degraded. */
    minFreeDiskBytes: number;
  };
  /** Metrics engine settings (see docs/quant-blueprint.md); validated by the metrics module. */
  metrics: Record<string, unknown>;
  /** Alert webhooks. */
  webhooks: { url: string; format: 'json' | 'discord' | 'slack' | 'telegram'; chatId?: string; name?: string; minTier?: number }[];
  exchanges: Record<ExchangeId, ExchangeConfig>;
}

const DEFAULT_SYMBOLS: Record<ExchangeId, string[]> = {
  'binance-usdm': ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  'bybit-linear': ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  'okx-swap': ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'],
};

const DEFAULT_ENDPOINTS: Record<ExchangeId, ExchangeEndpoints> = {
  'binance-usdm': {
    ws: { public: 'wss://fstream.binance.com/public', market: 'wss://fstream.binance.com/market' },
    rest: 'https://fapi.binance.com',
  },
  'bybit-linear': { ws: { linear: 'wss://stream.bybit.com/v5/public/linear' }, rest: 'https://api.bybit.com' },
  'okx-swap': { ws: { public: 'wss://ws.okx.com:8443/ws/v5/public' }, rest: 'https://www.okx.com' },
};

export function defaultConfig(): Config {
  const exchanges = {} as Record<ExchangeId, ExchangeConfig>;
  for (const id of EXCHANGES)
    exchanges[id] = {
      enabled: true,
      endpoints: structuredClone(DEFAULT_ENDPOINTS[id]),
      markets: { symbols: [...DEFAULT_SYMBOLS[id]] },
    };
  return {
    db: 'data/futures.db',
    raw: null,
    http: {
      host: '127.0.0.1',
      port: 8787,
      origins: ['http://127.0.0.1:4321', 'http://localhost:4321', 'http://127.0.0.1:8787', 'http://localhost:8787'],
      token: null,
      maxPayloadBytes: 64 * 1024,
      maxBufferedBytes: 4 * 1024 * 1024,
    },
    writer: { flushMs: 50, flushRows: 5000, maxPendingRows: 500_000 },
    feed: { backoffBaseMs: 1000, backoffCapMs: 30_000, restTimeoutMs: 10_000 },
    health: { staleMs: 30_000, writerLagMs: 2000, minFreeDiskBytes: 512 * 1024 * 1024 },
    metrics: {},
    webhooks: [],
    exchanges,
  };
}

export class ConfigError extends Error {
  readonly code = 'E_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Overlay `src` on `dst` field by field. Unknown keys are errors (a typo must not silently
 * fall back to a default); types must match the default's type.
 */
function overlay(dst: Plain, src: Plain, path: string, open: Set<string>): void {
  for (const [key, value] of Object.entries(src)) {
    const field = path ? `${path}.${key}` : key;
    if (!(key in dst) && !open.has(path)) {
      throw new ConfigError(`${field}: unknown setting; check the spelling against docs/developer_guide.md#configuration`);
    }
    const current = dst[key];
    if (isPlain(current) && !open.has(field)) {
      if (!isPlain(value)) throw new ConfigError(`${field}: must be an object`);
      overlay(current, value, field, open);
    } else if (current !== null && current !== undefined && value !== null && typeof current !== typeof value) {
      throw new ConfigError(`${field}: must be a ${Array.isArray(current) ? 'list' : typeof current}, got ${JSON.stringify(value)}`);
    } else {
      dst[key] = value;
    }
  }
}

/** Environment overrides: the few settings people change per run. */
const ENV: [string, (c: Config, v: string) => void][] = [
  ['FUTURESBOARD_DB', (c, v) => (c.db = v)],
  ['FUTURESBOARD_HOST', (c, v) => (c.http.host = v)],
  ['FUTURESBOARD_PORT', (c, v) => (c.http.port = Number(v))],
  ['FUTURESBOARD_TOKEN', (c, v) => (c.http.token = v)],
  ['FUTURESBOARD_ORIGINS', (c, v) => (c.http.origins = v.split(',').map((s) => s.trim()).filter(Boolean))],
  ['FUTURESBOARD_RAW', (c, v) => (c.raw = v)],
];

export function validateConfig(c: Config): void {
  const need = (ok: boolean, msg: string) => {
    if (!ok) throw new ConfigError(msg);
  };
  need(typeof c.db === 'string' && c.db.length > 0, 'db: must be a file path such as "data/futures.db"');
  need(Number.isInteger(c.http.port) && c.http.port >= 0 && c.http.port < 65536, `http.port: must be an integer 0-65535, got ${c.http.port}`);
  need(c.http.maxPayloadBytes >= 1024, 'http.maxPayloadBytes: must be at least 1024');
  need(c.writer.flushMs >= 1 && c.writer.flushMs <= 1000, 'writer.flushMs: must be 1-1000 ms (keep write transactions short)');
  need(c.writer.flushRows >= 1, 'writer.flushRows: must be at least 1');
  need(c.writer.maxPendingRows >= c.writer.flushRows, 'writer.maxPendingRows: must be at least writer.flushRows');
  need(c.feed.backoffBaseMs >= 10, 'feed.backoffBaseMs: must be at least 10');
  need(c.feed.backoffCapMs >= c.feed.backoffBaseMs, 'feed.backoffCapMs: must be >= feed.backoffBaseMs');
  for (const id of EXCHANGES) {
    const e = c.exchanges[id];
    const sel = e.markets;
    need(
      (Array.isArray(sel.symbols) && sel.symbols.length > 0 && sel.symbols.every((s) => typeof s === 'string')) ||
        (Number.isInteger(sel.top) && (sel.top as number) > 0),
      `exchanges.${id}.markets: give "symbols": ["..."] or "top": N (a positive integer)`,
    );
    for (const [name, url] of Object.entries(e.endpoints.ws))
      need(/^wss?:\/\//.test(url), `exchanges.${id}.endpoints.ws.${name}: must be a ws:// or wss:// URL, got ${JSON.stringify(url)}`);
    need(/^https?:\/\//.test(e.endpoints.rest), `exchanges.${id}.endpoints.rest: must be an http:// or https:// URL`);
  }
  need(c.http.token === null || (typeof c.http.token === 'string' && c.http.token.length >= 16), 'http.token: must be null (no token) or a secret of at least 16 characters');
  need(c.http.maxBufferedBytes >= 64 * 1024, 'http.maxBufferedBytes: must be at least 65536');
  need(c.feed.restTimeoutMs >= 100, 'feed.restTimeoutMs: must be at least 100 ms');
  need(c.health.staleMs > 0 && c.health.writerLagMs > 0 && c.health.minFreeDiskBytes >= 0, 'health: staleMs and writerLagMs must be positive, minFreeDiskBytes at least 0');
  need(Array.isArray(c.webhooks), 'webhooks: must be a list of {"url", "format"} objects');
  need(Array.isArray(c.http.origins) && c.http.origins.every((o) => typeof o === 'string'), 'http.origins: must be a list of origins such as "http://127.0.0.1:4321"');
  for (const [i, w] of c.webhooks.entries()) {
    need(/^https?:\/\//.test(w.url), `webhooks[${i}].url: must be an http(s) URL`);
    need(['json', 'discord', 'slack', 'telegram'].includes(w.format), `webhooks[${i}].format: one of json, discord, slack, telegram`);
    need(w.format !== 'telegram' || typeof w.chatId === 'string' || typeof w.chatId === 'number', `webhooks[${i}].chatId: required for the telegram format (the chat to post to)`);
    need(w.minTier === undefined || (Number.isInteger(w.minTier) && w.minTier >= 1 && w.minTier <= 5), `webhooks[${i}].minTier: an alert tier 1-5`);
  }
  const metricsErrors = validateMetricsConfig(mergeMetricsConfig(c.metrics));
  need(metricsErrors.length === 0, `metrics: ${metricsErrors.join('; ')}`);
}

export interface LoadOptions {
  /** Explicit config path (--config); an error if missing. */
  path?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const config = defaultConfig();
  const file = resolve(cwd, opts.path ?? env.FUTURESBOARD_CONFIG ?? 'futuresboard.config.json');
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (!isPlain(parsed)) throw new ConfigError(`${file}: must hold a JSON object`);
    // `exchanges.<id>.markets` and `metrics` are free-form objects (validated elsewhere).
    const open = new Set<string>(['metrics', ...EXCHANGES.map((id) => `exchanges.${id}.markets`), ...EXCHANGES.map((id) => `exchanges.${id}.endpoints.ws`)]);
    overlay(config as unknown as Plain, parsed, '', open);
  } else if (opts.path) {
    throw new ConfigError(`--config ${opts.path}: file not found`);
  }
  for (const [name, apply] of ENV) {
    const v = env[name];
    if (v !== undefined && v !== '') apply(config, v);
  }
  validateConfig(config);
  return config;
}
