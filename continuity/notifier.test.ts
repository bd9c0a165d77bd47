import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Endpoint } from '../collector/alerts/test-endpoint.ts';
import { createNotifier, type NotifierOptions } from './notifier.ts';
import type { Transition } from './watch.ts';

const T = '2025-06-13T08:00:00.000Z';
const change = (from: Transition['from'], to: Transition['to'], reasons: string[] = []): Transition => ({
  time: T,
  from,
  to,
  reasons,
});

describe('health notifier', () => {
  let ep: Endpoint;
  let lines: string[];
  const notifierOn = (webhooks: NotifierOptions['webhooks'], extra: Partial<NotifierOptions> = {}) =>
    createNotifier({
      webhooks,
      fetch,
      now: Date.now,
      out: (l) => lines.push(l),
      graceMs: 60_000,
      random: () => 0,
      ...extra,
    });

  beforeEach(async () => {
    ep = await new Endpoint().start();
    lines = [];
  });
  afterEach(() => ep.close());

  it('retries a receiver that answers 500, then delivers the same body once it answers 200', async () => {
    const n = notifierOn([{ url: `${ep.url}/hook`, format: 'json', name: 'ops' }], { retry: { baseDelayMs: 10 } });
    ep.replies.push({ status: 500, body: 'oops' });
    n.notify(change('ok', 'degraded', ['writer lagging']));
    await ep.received(2);
    await n.close();
    expect(ep.requests.map((r) => r.body)).toEqual([
      { type: 'futuresboard.health_transition', version: 1, transition: change('ok', 'degraded', ['writer lagging']) },
      { type: 'futuresboard.health_transition', version: 1, transition: change('ok', 'degraded', ['writer lagging']) },
    ]);
    expect(lines).toEqual([]);
  });

  it('gives up after the policy’s attempts with one line naming the target, then delivers the next transition', async () => {
    const n = notifierOn([{ url: `${ep.url}/hook`, format: 'json', name: 'ops' }], {
      retry: { baseDelayMs: 10, maxAttempts: 2 },
    });
    ep.replies.push({ status: 503 }, { status: 502, body: 'bad gateway' });
    n.notify(change('ok', 'down'));
    n.notify(change('down', 'ok'));
    await ep.received(3);
    await n.close();
    expect(lines).toEqual([
      'watch: webhook ops: ok -> down not delivered: gave up after 2 attempts: HTTP 502: bad gateway',
    ]);
    expect(ep.requests[2].body.transition).toMatchObject({ from: 'down', to: 'ok' });
  });

  it('keeps a bounded queue per target, and on close abandons what the grace period did not deliver', async () => {
    const n = notifierOn([{ url: ep.url, format: 'json', name: 'slow' }], { capacity: 2, graceMs: 10 });
    ep.replies.push({ status: 200, hang: true });
    n.notify(change('ok', 'degraded'));
    await ep.received(1); // in flight, never answered
    n.notify(change('degraded', 'down'));
    n.notify(change('down', 'degraded'));
    n.notify(change('degraded', 'ok'));
    expect(lines).toEqual(['watch: webhook slow: 2 transitions waiting, dropped the oldest (degraded -> down)']);
    await n.close();
    expect(lines[1]).toBe('watch: webhook slow: stopped with 3 health notifications undelivered');
    expect(ep.requests).toHaveLength(1);
  });

  it('posts a healthy first observation nowhere, and skips targets whose events leave out health', async () => {
    const n = notifierOn([
      { url: `${ep.url}/alerts-only`, format: 'json', events: ['alerts'] },
      { url: `${ep.url}/health`, format: 'json', events: ['health'] },
    ]);
    // Unnamed, a target goes by its format and a hash of its URL (the URL itself is a secret).
    expect(n.names).toEqual([expect.stringMatching(/^json-[0-9a-f]{12}$/)]);
    n.notify(change(null, 'ok'));
    n.notify(change('ok', 'not_running', ['collector not running']));
    await n.close();
    expect(ep.requests.map((r) => [r.path, r.body.transition.to])).toEqual([['/health', 'not_running']]);
  });
});
