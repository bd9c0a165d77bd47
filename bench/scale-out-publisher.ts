/**
 * Publishes the relay benchmark's batches to JetStream as a collector would: one message per
 * subject chain, with the collector protocol's source, seq range and message id, so relay nodes
 * read them exactly as they read a collector's.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { BUS_PROTOCOL, chainOf, messageIdOf, subjectOfChain, type EventBatchMessage } from '../core/bus-message.ts';
import type { RecordedEvent } from '../core/events.ts';

export interface BatchPublisher {
  publish(batch: RecordedEvent[]): void;
  /** Waits for JetStream's answers to everything published; resolves with the number refused. */
  settle(): Promise<number>;
}

/** `source` must be new for each run that restarts seqs at 1, or JetStream drops its messages as duplicates. */
export function batchPublisher(js: JetStreamClient, source: string): BatchPublisher {
  const prev = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  let failed = 0;
  return {
    publish(batch) {
      const byChain = new Map<string, RecordedEvent[]>();
      for (const e of batch) {
        const chain = chainOf(e.exchange, e.kind);
        const list = byChain.get(chain);
        if (list) list.push(e);
        else byChain.set(chain, [e]);
      }
      for (const [chain, events] of byChain) {
        const m: EventBatchMessage = {
          v: BUS_PROTOCOL,
          src: source,
          chain,
          base: 0,
          prev: prev.get(chain) ?? 0,
          upto: events[events.length - 1].seq,
          events,
        };
        prev.set(chain, m.upto);
        const h = natsHeaders();
        h.set('Nats-Msg-Id', messageIdOf(m));
        const p = js.publish(subjectOfChain(chain), JSON.stringify(m), { headers: h }).then(
          () => {},
          () => void failed++,
        );
        pending.add(p);
        p.finally(() => pending.delete(p));
      }
    },
    async settle() {
      await Promise.all(pending);
      return failed;
    },
  };
}
