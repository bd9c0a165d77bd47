/**
 * Request bodies for alert webhooks: a generic JSON document, and the shapes Discord (webhook
 * `content` + `embeds`), Slack (incoming webhook `text` + `blocks`) and Telegram (Bot API
 * `sendMessage`: `chat_id` + `text`) accept.
 */
import type { AlertRecord } from '../../core/metrics/types.ts';

export const WEBHOOK_FORMATS = ['json', 'discord', 'slack', 'telegram'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

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

export function alertText(a: StoredAlert): string {
  return [alertTitle(a), ...details(a).map(([k, v]) => `${k}: ${v}`)].join('\n');
}

/** The request body for `format`; `chatId` is required by Telegram only. */
export function webhookBody(format: WebhookFormat, a: StoredAlert, chatId?: string): unknown {
  switch (format) {
    case 'json':
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
    case 'discord':
      return {
        content: alertTitle(a).slice(0, 2000),
        embeds: [
          {
            title: `${a.market} ${a.rule}`.slice(0, 256),
            description: `Tier ${a.tier}: ${TIER_NAMES[a.tier]} on ${a.exchange}`,
            color: a.direction === 'up' ? 0x16a34a : 0xdc2626,
            timestamp: new Date(a.local_ts).toISOString(),
            fields: details(a)
              .slice(0, 25)
              .map(([name, value]) => ({ name, value: value.slice(0, 1024), inline: true })),
          },
        ],
      };
    case 'slack':
      return {
        text: alertTitle(a),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${alertTitle(a)}*` } },
          {
            type: 'section',
            fields: details(a)
              .slice(0, 10)
              .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })),
          },
        ],
      };
    case 'telegram':
      return { chat_id: chatId, text: alertText(a).slice(0, 4096), disable_web_page_preview: true };
  }
}
