/**
 * A recording made the way a user makes one: the real simulator and the real collector service
 * (test/helpers/collector.ts), run until `events` are committed. Shared by the benches that need
 * realistic input (the site's big recording, the storage comparison).
 */
import { startRig } from '../test/helpers/collector.ts';

/** Records until `events` are committed at the simulator's `rate`; returns the collector's database path. */
export async function recordLive(dir: string, opts: { rate: number; events: number; name: string }): Promise<string> {
  const rig = await startRig(dir, { rate: opts.rate, name: opts.name });
  try {
    await new Promise<void>((done) => {
      let n = 0;
      const off = rig.service.collector.writer.onCommit((batch) => {
        n += batch.length;
        if (n >= opts.events) {
          off();
          done();
        }
      });
    });
  } finally {
    await rig.stop();
  }
  return rig.config.db;
}
