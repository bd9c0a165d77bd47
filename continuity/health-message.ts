/**
 * A health transition as a webhook body, in each target's shape: the chat formats read
 * "futuresboard health: collector degraded → down (writer lagging)"; the generic JSON carries
 * the watch log's own line under `type: "futuresboard.health_transition"`.
 */
import { chatBody, type ChatMessage, type WebhookFormat } from '../collector/alerts/payloads.ts';
import type { CollectorState } from './uptime.ts';
import type { Transition } from './watch.ts';

const COLORS: Record<CollectorState, number> = {
  ok: 0x16a34a,
  degraded: 0xd97706,
  down: 0xdc2626,
  not_running: 0xdc2626,
};

const word = (s: CollectorState) => s.replace('_', ' ');

/** Without continuity.targets the one target is the local daemon: "collector". */
const subject = (t: Transition) => t.target ?? 'collector';

/** "degraded → down", or "down at watch start" for the first observation. */
function change(t: Transition): string {
  return t.from === null ? `${word(t.to)} at watch start` : `${word(t.from)} → ${word(t.to)}`;
}

/** The one-line message, e.g. "futuresboard health: store-1 ok → degraded (writer lagging)". */
function transitionTitle(t: Transition): string {
  return `futuresboard health: ${subject(t)} ${change(t)}${t.reasons.length ? ` (${t.reasons.join('; ')})` : ''}`;
}

function message(t: Transition): ChatMessage {
  return {
    title: transitionTitle(t),
    heading: `${subject(t)}: ${word(t.to)}`,
    description: change(t),
    color: COLORS[t.to],
    time: t.time,
    details: [
      ['from', t.from === null ? 'watch start' : word(t.from)],
      ['to', word(t.to)],
      ['reasons', t.reasons.length ? t.reasons.join('; ') : 'none'],
      ['time', t.time],
    ],
  };
}

/** The request body for `format`; `chatId` is required by Telegram only. */
export function transitionBody(format: WebhookFormat, t: Transition, chatId?: string): unknown {
  if (format !== 'json') return chatBody(format, message(t), chatId);
  return { type: 'futuresboard.health_transition', version: 1, transition: t };
}
