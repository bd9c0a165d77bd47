/**
 * Publishing recordings into a static site's folder (`dist/recordings/`, or `--out`): the
 * planned segments copied under their hashed names, then `manifest.json` replaced in one rename,
 * LAST, so a reader never sees a manifest naming a file not yet there; then the segment files no
 * session references any more are removed, so republishing does not grow the folder forever.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FbError, hasErrorCode } from '../../core/errors.ts';
import { fmtBytes } from '../../core/format-bytes.ts';
import { MANIFEST_FILE, MANIFEST_VERSION, type PublishedManifest } from '../../core/published.ts';
import type { Config } from '../config/schema.ts';
import { copySegment } from './copy-segment.ts';
import { planPublish, type PublishPlan } from './plan.ts';
import { recordingsSource, sampleSource } from './sources.ts';

export interface PublishResult {
  manifest: PublishedManifest;
  /** Segment files written this time, and those already in place. */
  copied: number;
  kept: number;
  /** Stale segment files removed. */
  removed: string[];
}

/** Published segment files, and the temporary names a killed copy leaves behind. */
const PUBLISHED_SEGMENT = /^seg-.+\.sqlite\.gz(\.tmp-\d+)?$/;

/** The plan for `config`'s site.publish; `recordings` (--recordings) replaces store.dir. */
export function planFromConfig(config: Config, opts: { recordings?: string; cwd?: string } = {}): PublishPlan {
  return planPublish({
    options: config.site.publish,
    recordings: recordingsSource(config.store.dir, opts.recordings, opts.cwd ?? process.cwd()),
    sample: sampleSource(),
  });
}

/** Copies the plan's segments into `out` and writes its manifest, stamped `now`. */
export async function writePublished(plan: PublishPlan, out: string, now: number): Promise<PublishResult> {
  const manifest: PublishedManifest = { version: MANIFEST_VERSION, generated: now, sessions: plan.sessions };
  try {
    mkdirSync(out, { recursive: true });
    let copied = 0;
    for (const [name, file] of plan.files) if ((await copySegment(out, name, file)) === 'copied') copied++;
    const path = join(out, MANIFEST_FILE);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
    renameSync(tmp, path);
    const removed = readdirSync(out).filter((f) => PUBLISHED_SEGMENT.test(f) && !plan.files.has(f));
    for (const f of removed) rmSync(join(out, f), { force: true });
    return { manifest, copied, kept: plan.files.size - copied, removed };
  } catch (err) {
    if (hasErrorCode(err)) throw err;
    throw new FbError(
      'E_PUBLISH',
      `cannot write ${out} (${(err as Error).message}); make the folder writable and free disk space`,
    );
  }
}

/** `published 2 sessions (5 segments, 1.2 MiB) to dist/recordings/`: what the build logs. */
export function summaryLine(manifest: PublishedManifest, where: string): string {
  const sessions = manifest.sessions.length;
  const files = new Map(manifest.sessions.flatMap((s) => s.segments.map((g) => [g.file, g.bytes] as const)));
  const bytes = [...files.values()].reduce((n, b) => n + b, 0);
  return `published ${sessions} session${sessions === 1 ? '' : 's'} (${files.size} segment${files.size === 1 ? '' : 's'}, ${fmtBytes(bytes)}) to ${where}`;
}
