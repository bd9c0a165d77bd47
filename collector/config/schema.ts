/**
 * The whole configuration as one zod schema: defaults, types, and the rules each field obeys.
 * `Config` is its output type; docs/config.schema.json is generated from it (json-schema.ts),
 * so editors complete and check `futuresboard.config.json` against the same rules.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { ExchangeId } from '../../core/events.ts';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from '../alerts/payloads.ts';
import { webhookUrlProblem } from '../alerts/target-url.ts';
import { ADAPTERS } from '../exchanges/index.ts';
import { WILDCARD_BINDS } from '../relay/access.ts';
import { continuitySchema } from './continuity-schema.ts';
import { metricsSchema } from './metrics-schema.ts';
import { BYTES_FORM, DURATION_FORM, readBytes, readDuration } from './sizes.ts';
import { strictObject } from './strict-object.ts';

const DEFAULT_SYMBOLS: Record<ExchangeId, string[]> = {
  'binance-usdm': ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  'bybit-linear': ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  'okx-swap': ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'],
};

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);

/** A section's check that one of its numbers is at least another. */
const notBelow =
  <K extends string>(section: string, field: K, floor: K) =>
  (values: Record<K, number>, ctx: z.RefinementCtx) => {
    if (values[field] < values[floor])
      ctx.addIssue({ code: 'custom', path: [field], message: `must be at least ${section}.${floor}` });
  };

const HOST_RULE =
  'must be the address to bind: "127.0.0.1" (this machine only, the default) or an explicit address such as "192.168.1.20" or "0.0.0.0" with http.allowedHosts; null and "" are not allowed';

const HOST_NAME_RULE = 'must be a host name or address without scheme or port, such as "board.lan"';

const httpSchema = strictObject({
  host: z
    .string({ error: HOST_RULE })
    .regex(/^\S+$/, HOST_RULE)
    .default('127.0.0.1')
    .describe('Address the relay and HTTP API bind.'),
  port: int(0, 65535).default(8787).describe('Relay and HTTP API port (0: any free port, logged at start).'),
  allowedHosts: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9.\-:[\]]+$/, HOST_NAME_RULE)
        .refine((h) => !/^[^:]+:[0-9]*$/.test(h), HOST_NAME_RULE),
    )
    .default(() => [])
    .describe(
      'Host names requests may use besides the loopback names and http.host (the Host header check stops DNS rebinding).',
    ),
  origins: z
    .array(z.string().min(1))
    .default(() => ['http://127.0.0.1:4321', 'http://localhost:4321', 'http://127.0.0.1:8787', 'http://localhost:8787'])
    .describe('Origins allowed to open the websocket relay and call the HTTP API (CORS); "*" allows any.'),
  token: z
    .string()
    .min(16)
    .nullable()
    .default(null)
    .describe('Bearer token required by the relay and the API; null for none.'),
  maxPayloadBytes: int(1024)
    .default(64 * 1024)
    .describe('Largest message a relay client may send.'),
  maxBufferedBytes: int(64 * 1024)
    .default(4 * 1024 * 1024)
    .describe(
      'Per-client send buffer above which latest-state channels are coalesced, then dropped, then the client closed.',
    ),
  maxSubscriptions: int(1)
    .default(1000)
    .describe(
      'Most (channel, market) pairs one relay client may subscribe, a whole channel counting one; beyond, it is closed (1008).',
    ),
}).superRefine((http, ctx) => {
  // Bound to every interface, clients reach the daemon by names only the config can list.
  if (WILDCARD_BINDS.has(http.host) && http.allowedHosts.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['allowedHosts'],
      message: `list the names clients use to reach this machine (e.g. ["192.168.1.20", "board.lan"]) when binding ${http.host}`,
    });
});

const writerSchema = strictObject({
  flushMs: int(1, 1000).default(50).describe('Flush a batch at least this often (keep write transactions short).'),
  flushRows: int(1).default(5000).describe('Or as soon as this many events are pending.'),
  maxPendingRows: int(1)
    .default(500_000)
    .describe('Events held in memory while the database refuses writes; beyond, dropped and recorded as a gap.'),
}).superRefine(notBelow('writer', 'maxPendingRows', 'flushRows'));

const feedSchema = strictObject({
  backoffBaseMs: int(10).default(1000).describe('First reconnect delay (exponential backoff with full jitter).'),
  backoffCapMs: int(10).default(30_000).describe('Longest reconnect delay.'),
  restTimeoutMs: int(100).default(10_000).describe('REST request timeout.'),
}).superRefine(notBelow('feed', 'backoffCapMs', 'backoffBaseMs'));

/**
 * A duration ("14d") or size ("50GB") as written, read into ms or bytes, so the rest of the code
 * gets numbers. A number is already ms or bytes, which also lets a parsed config validate again.
 */
const sizeField = (kind: 'duration' | 'bytes') => {
  const [read, form] = kind === 'duration' ? [readDuration, DURATION_FORM] : [readBytes, BYTES_FORM];
  const rule = `must be ${form}`;
  return z.union([z.string(), z.number()], { error: rule }).transform((value, ctx) => {
    const n = read(value);
    if (n === null) ctx.issues.push({ code: 'custom', message: rule, input: value });
    return n ?? z.NEVER;
  });
};

/**
 * Segment lengths `store.segment` takes; `1m` exists for tests and demos, `5m` and `15m` for
 * short sessions a static site streams in small pieces (the bundled sample is in 5m segments).
 */
export const SEGMENT_MS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;
export type SegmentLength = keyof typeof SEGMENT_MS;

const DIR_RULE = 'must be a folder path such as "data/recordings", or null for one database file';

/**
 * The recording store. Parsed, `retain.maxAge` is milliseconds and `retain.maxBytes` bytes (or
 * null); the segment length in ms is `SEGMENT_MS[store.segment]`.
 */
const storeSchema = strictObject({
  dir: z
    .string({ error: DIR_RULE })
    .min(1, DIR_RULE)
    .nullable()
    .default(null)
    .describe(
      'Recordings folder: closed segments (seg-*.sqlite.gz) and catalog.json; db defaults to <dir>/hot.db. null: one database file, no segments.',
    ),
  segment: z
    .enum(Object.keys(SEGMENT_MS) as [SegmentLength, ...SegmentLength[]])
    .default('1h')
    .describe('Close a segment on every UTC boundary of this length.'),
  retain: strictObject({
    maxAge: sizeField('duration')
      .nullable()
      .prefault('14d')
      .describe('Delete closed segments that ended longer ago than this (e.g. "14d"); null keeps them. Pins are kept.'),
    maxBytes: sizeField('bytes')
      .nullable()
      .prefault('50GB')
      .describe(
        'Delete the oldest closed segments while the folder holds more than this (e.g. "50GB"); null: no limit. Pins are kept.',
      ),
  }).prefault({}),
});

const PIN_NAME_RULE = 'must be a pinned session\'s name: letters, digits, ".", "_" and "-"';

/**
 * What `npm run build` and `futuresboard publish` copy to the static site (collector/publish/).
 * Parsed, `recent` is milliseconds (or null).
 */
const siteSchema = strictObject({
  publish: strictObject({
    sessions: z
      .array(z.string().regex(/^[A-Za-z0-9._-]+$/, PIN_NAME_RULE))
      .default(() => [])
      .refine((names) => new Set(names).size === names.length, 'lists a pin twice')
      .describe('Pinned sessions to publish, by name (`futuresboard recordings pin`).'),
    recent: sizeField('duration')
      .nullable()
      .prefault(null)
      .describe(
        'Also publish the closed segments that ended within this long (e.g. "24h") of the last closed segment\'s end, as the session "recent"; null: none.',
      ),
    markets: z
      .array(z.string().min(1))
      .min(1, 'must list at least one market, or be null for all')
      .nullable()
      .default(null)
      .describe(
        'Unified markets the published sessions offer (e.g. ["BTC/USDT:USDT"]); segments are copied whole. null: all.',
      ),
    sample: z
      .boolean()
      .nullable()
      .default(null)
      .describe('Publish the bundled sample session; null: only when neither sessions nor recent is set.'),
  }).prefault({}),
});

const BUS_URL_RULE =
  'must be the NATS server URL, e.g. "nats://127.0.0.1:4222" (several: comma-separated; "tls://" for TLS)';
const BUS_NAME_RULE = 'must be letters, digits, "-" and "_" only (a JetStream name)';
const busName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, BUS_NAME_RULE)
    .default(fallback);

/**
 * Scale-out over NATS JetStream (docs/scale-out.md): `collect` publishes its committed batches,
 * `store` consumes them into the recordings folder, `relay` serves browsers from the bus. Parsed,
 * durations are milliseconds and sizes bytes.
 */
const busSchema = strictObject({
  url: z
    .string({ error: BUS_URL_RULE })
    .regex(/^((nats|tls|wss?):\/\/[^\s,]+)(,(nats|tls|wss?):\/\/[^\s,]+)*$/, BUS_URL_RULE)
    .describe('NATS server(s) with JetStream, e.g. "nats://127.0.0.1:4222"; comma-separated for a cluster.'),
  source: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" and "-" only, e.g. "tokyo-1"')
    .nullable()
    .default(null)
    .describe(
      "collect: this collector's name on the bus (default: the host name). The database's own id is appended, so a new database is a new source.",
    ),
  credentials: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe('A NATS .creds file (user JWT and seed) for an account; a secret: never logged.'),
  tls: strictObject({
    caFile: z.string().min(1).optional().describe('CA certificate (PEM) the server is checked against.'),
    certFile: z.string().min(1).optional().describe('Client certificate (PEM), for servers that verify clients.'),
    keyFile: z.string().min(1).optional().describe('Client key (PEM).'),
  })
    .nullable()
    .default(null)
    .describe('TLS to the server (also implied by a tls:// URL).'),
  stream: strictObject({
    name: busName('FB_EVENTS').describe("Stream of the collectors' event batches (subjects fb.<exchange>.<kind>)."),
    derived: busName('FB_DERIVED').describe(
      "Stream of the store's metrics and alerts (subjects fbd.metrics, fbd.alerts).",
    ),
    maxAge: sizeField('duration')
      .prefault('24h')
      .describe('Messages older than this are dropped: how long a store may be down and still catch up.'),
    maxBytes: sizeField('bytes')
      .prefault('10GB')
      .describe('Oldest messages are dropped beyond this size (per stream).'),
    replicas: int(1, 5).default(1).describe('Copies kept by a NATS cluster (3 on a 3-node cluster).'),
    duplicateWindow: sizeField('duration')
      .prefault('2m')
      .describe('JetStream drops a message whose id it saw this recently (a re-sent batch).'),
  }).prefault({}),
  consumer: busName('store').describe("store: the durable consumer's name (one store per name)."),
  subjects: z
    .array(z.string().regex(/^fb\.[A-Za-z0-9*>._-]+$/, 'must be a subject filter under fb., e.g. "fb.binance-usdm.>"'))
    .min(1)
    .default(() => ['fb.>'])
    .describe('store: the subjects it consumes; shard by exchange with e.g. ["fb.binance-usdm.>"].'),
  batchEvents: int(1, 5000)
    .default(1000)
    .describe('collect: most events in one bus message (NATS refuses messages above 1 MB by default).'),
  relayWarmup: sizeField('duration')
    .prefault('2m')
    .describe("relay: at start, the stream's last this-long is read to build the snapshots new clients get."),
});

const healthSchema = strictObject({
  staleMs: int(1).default(30_000).describe('A feed with no data message for this long is stale (degraded).'),
  writerLagMs: int(1).default(2000).describe('Writer lag above this is degraded.'),
  busLag: int(1)
    .default(100_000)
    .describe(
      'Scale-out roles: a bus backlog above this is degraded (collect: events not yet acknowledged by the bus; store and relay: messages not yet consumed).',
    ),
  minFreeDiskBytes: sizeField('bytes')
    .prefault('1GB')
    .describe(
      'Free disk (on the store\'s or database\'s filesystem) below this is degraded: a size such as "1GB" or bytes.',
    ),
});

const webhookSchema = strictObject({
  url: z
    .string()
    .superRefine((url, ctx) => {
      const problem = webhookUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('Target URL (a secret: never logged). No user:password@.'),
  format: z.enum(WEBHOOK_FORMATS),
  chatId: z
    .union([z.string().min(1), z.int()], {
      error: 'must be the Telegram chat id, a number or a string such as "@channel"',
    })
    .transform(String)
    .optional()
    .describe('Telegram chat to post to (required for the telegram format).'),
  name: z
    .string()
    .min(1)
    .optional()
    .describe("The target's name in logs, /health and its delivery queue (default: the format and a hash of the URL)."),
  minTier: int(1, 6).optional().describe('Lowest alert tier posted (default 1: every alert; 6: tier-6 clusters only).'),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, 'must list "alerts", "health" or both (remove the target to post nothing)')
    .optional()
    .describe(
      'What is posted: "alerts" (from the collector or store) and "health" (state transitions from `continuity watch --notify`); default both.',
    ),
}).superRefine((w, ctx) => {
  if (w.format === 'telegram' && w.chatId === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['chatId'],
      message: 'required for the telegram format (the chat to post to)',
    });
});

const MARKETS_RULE = 'give "symbols": ["..."] or "top": N (a positive integer), not both';

const marketsSchema = strictObject({
  symbols: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Native symbols, e.g. ["BTCUSDT"] or ["BTC-USDT-SWAP"].'),
  top: int(1).optional().describe('Or the top N perpetuals by 24 h quote volume.'),
}).refine((m) => (m.symbols === undefined) !== (m.top === undefined), MARKETS_RULE);

const exchangeSchema = (id: ExchangeId) =>
  strictObject({
    enabled: z.boolean().default(true),
    endpoints: strictObject({
      ws: z
        .record(z.string(), z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL'))
        // The production endpoints are the adapter's own (one source for the feed and the config).
        .default(() => ({ ...ADAPTERS[id].defaultEndpoints.ws }))
        .describe('Websocket base URLs by stream name (the simulator replaces them).'),
      rest: z
        .string()
        .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
        .default(ADAPTERS[id].defaultEndpoints.rest),
    }).prefault({}),
    markets: marketsSchema.default(() => ({ symbols: [...DEFAULT_SYMBOLS[id]] })),
  }).prefault({});

export const configSchema = strictObject({
  $schema: z.string().optional().describe('Editor hint (e.g. "./docs/config.schema.json"); ignored.'),
  db: z
    .string({ error: 'must be a file path such as "data/futures.db"' })
    .min(1, 'must be a file path such as "data/futures.db"')
    .optional()
    .describe(
      'SQLite database the collector writes (default: <store.dir>/hot.db, or data/futures.db without store.dir).',
    ),
  raw: z
    .string({ error: 'must be the path of a raw capture archive (.jsonl), or null for none' })
    .min(1, 'must be the path of a raw capture archive (.jsonl), or null for none')
    .nullable()
    .default(null)
    .describe(
      'Optional raw frame archive (capture format), gzip-compressed, one file per store.segment period: "data/raw.jsonl" writes data/raw.<YYYYMMDDTHHMMZ>.jsonl.gz; null for none.',
    ),
  store: storeSchema.prefault({}),
  site: siteSchema.prefault({}),
  http: httpSchema.prefault({}),
  writer: writerSchema.prefault({}),
  feed: feedSchema.prefault({}),
  health: healthSchema.prefault({}),
  metrics: metricsSchema.default(() => ({})),
  bus: busSchema
    .nullable()
    .default(null)
    .describe('Scale-out over NATS JetStream; null (the default): one process, no bus.'),
  webhooks: z
    .array(webhookSchema)
    .default(() => [])
    .describe('Webhooks for alerts and for `continuity watch --notify` health transitions.'),
  exchanges: strictObject({
    'binance-usdm': exchangeSchema('binance-usdm'),
    'bybit-linear': exchangeSchema('bybit-linear'),
    'okx-swap': exchangeSchema('okx-swap'),
  }).prefault({}),
  continuity: continuitySchema
    .prefault({})
    .describe('What `futuresboard continuity` reads: the /health URL of each role (default: the local daemon).'),
}).transform(({ db, ...config }) => ({
  // The hot database belongs in the recordings folder unless the file names another place.
  db: db ?? (config.store.dir === null ? 'data/futures.db' : join(config.store.dir, 'hot.db')),
  ...config,
}));

export type Config = z.output<typeof configSchema>;
export type MarketSelection = z.output<typeof marketsSchema>;
export type ExchangeConfig = Config['exchanges'][ExchangeId];
export type PublishConfig = Config['site']['publish'];
export type BusConfig = NonNullable<Config['bus']>;
