/**
 * Request bodies for webhooks: a generic JSON document, and the shapes Discord (webhook
 * `content` + `embeds`), Slack (incoming webhook `text` + `blocks`) and Telegram (Bot API
 * `sendMessage`: `chat_id` + `text`) accept. The chat shapes are built from a `ChatMessage`, so
 * alerts here and health transitions (continuity/health-message.ts) read alike.
 */
import type { AlertRecord } from '../../core/metrics/types.ts';

export const WEBHOOK_FORMATS = ['json', 'discord', 'slack', 'telegram'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type ChatFormat = Exclude<WebhookFormat, 'json'>;

/** What a target may be sent: alerts, and health transitions from `continuity watch --notify`. */
export const WEBHOOK_EVENTS = ['alerts', 'health'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** One message for the chat shapes. */
export interface ChatMessage {
  /** The line a person reads first (Discord `content`, Slack `text`, Telegram's first line). */
  title: string;
  /** Discord's embed title and description. */
  heading: string;
  description: string;
  /** Discord's embed colour, e.g. 0x16a34a. */
  color: number;
  /** ISO time. */
  time: string;
  /** Labelled values (embed fields, Slack fields, Telegram lines). */
  details: [string, string][];
}

export type StoredAlert = AlertRecord & { id: number };

const TIER_NAMES: Record<number, string> = {
  1: 'z-score',
  2: 'confluence',
  3: 'CVD + open interest',
  4: 'funding + open interest',
  5: 'cross-exchange divergence',
};

const fmt = (v: unknown): string => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

/** One line a person reads first: tier, market, exchange, direction, rule and value. */
export function alertTitle(a: StoredAlert): string {
  const arrow = a.direction === 'up' ? '▲' : '▼';
  return `${arrow} Tier ${a.tier} (${TIER_NAMES[a.tier]}) ${a.market} on ${a.exchange}: ${a.rule} ${a.direction}`;
}

function details(a: StoredAlert): [string, string][] {
  const rows: [string, string][] = [
    ['value', `${fmt(a.value)} (threshold ${fmt(a.threshold)})`],
    ['price', a.price === null ? 'unknown' : fmt(a.price)],
    ['time', new Date(a.local_ts).toISOString()],
  ];
  for (const [k, v] of Object.entries(a.inputs)) if (v !== null) rows.push([k, fmt(v)]);
  return rows;
}

function alertMessage(a: StoredAlert): ChatMessage {
  return {
    title: alertTitle(a),
    heading: `${a.market} ${a.rule}`,
    description: `Tier ${a.tier}: ${TIER_NAMES[a.tier]} on ${a.exchange}`,
    color: a.direction === 'up' ? 0x16a34a : 0xdc2626,
    time: new Date(a.local_ts).toISOString(),
    details: details(a),
  };
}

/** The Discord, Slack or Telegram body for `m`; `chatId` is required by Telegram only. */
export function chatBody(format: ChatFormat, m: ChatMessage, chatId?: string): unknown {
  switch (format) {
    case 'discord':
      return {
        content: m.title.slice(0, 2000),
        embeds: [
          {
            title: m.heading.slice(0, 256),
            description: m.description,
            color: m.color,
            timestamp: m.time,
            fields: m.details
              .slice(0, 25)
              .map(([name, value]) => ({ name, value: value.slice(0, 1024), inline: true })),
          },
        ],
      };
    case 'slack':
      return {
        text: m.title,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${m.title}*` } },
          {
            type: 'section',
            fields: m.details.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })),
          },
        ],
      };
    case 'telegram': {
      const text = [m.title, ...m.details.map(([k, v]) => `${k}: ${v}`)].join('\n');
      return { chat_id: chatId, text: text.slice(0, 4096), disable_web_page_preview: true };
    }
  }
}

/** The request body for `format`; `chatId` is required by Telegram only. */
export function webhookBody(format: WebhookFormat, a: StoredAlert, chatId?: string): unknown {
  if (format !== 'json') return chatBody(format, alertMessage(a), chatId);
  return {
    type: 'futuresboard.alert',
    version: 1,
    alert: {
      id: a.id,
      exchange: a.exchange,
      symbol: a.symbol,
      market: a.market,
      time: new Date(a.local_ts).toISOString(),
      local_ts: a.local_ts,
      bucket_ts: a.bucket_ts,
      tier: a.tier,
      rule: a.rule,
      direction: a.direction,
      value: a.value,
      threshold: a.threshold,
      price: a.price,
      inputs: a.inputs,
    },
  };
}
