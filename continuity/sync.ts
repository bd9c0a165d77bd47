/**
 * `continuity sync`: snapshot -> report -> commit exactly those files -> push when a remote is
 * configured. The repository is checked before anything is written, and on any failure before
 * the commit the written files are put back.
 */
import type { Config } from '../collector/config.ts';
import { FileCheckpoint } from './checkpoint.ts';
import { fmtPct } from './format.ts';
import { publish, type PublishResult } from './git-publish.ts';
import { openGitRepo } from './git-repo.ts';
import { PHASE_PATH, STATE_PATH } from './paths.ts';
import type { Thresholds } from './recommendations.ts';
import type { Redact } from './redact.ts';
import { loadTemplate, nextReportPath, renderReport, writeReport } from './report.ts';
import { takeSnapshot } from './snapshot.ts';
import { writeState } from './state.ts';

export interface SyncOptions {
  root: string;
  config: Config;
  env: Record<string, string | undefined>;
  now: () => number;
  historyLimit: number;
  thresholds: Thresholds;
  attempts: number;
  redact: Redact;
  log: (line: string) => void;
}

export interface SyncResult extends PublishResult {
  report: string;
  summary: string;
}

export async function sync(o: SyncOptions): Promise<SyncResult> {
  const repo = await openGitRepo(o.root, o.env);
  const root = repo.root;
  const template = loadTemplate(root);
  // A phase set whose commit did not happen (or a hand edit) travels with this sync.
  const phaseChanged = (await repo.run(['status', '--porcelain', '--', PHASE_PATH])) !== '';
  const checkpoint = new FileCheckpoint(root);
  let report: string;
  let summary: string;
  let message: string;
  try {
    const state = await takeSnapshot({ root, config: o.config, now: o.now, historyLimit: o.historyLimit });
    const s = state.snapshot;
    const rendered = renderReport(template, s, o.thresholds);
    checkpoint.save(STATE_PATH);
    writeState(root, state, o.redact);
    report = nextReportPath(root, s.time);
    checkpoint.save(report);
    writeReport(root, report, rendered.markdown, o.redact);
    summary = rendered.summary;
    message = o.redact(
      `status ${s.time} (phase ${s.phase?.tag ?? 'none'}, uptime ${fmtPct(s.uptime.pct)})\n\n${summary}\n`,
    );
    o.log(`wrote ${STATE_PATH} and ${report}: ${summary}`);
  } catch (err) {
    checkpoint.restore();
    throw err;
  }
  const paths = [report, STATE_PATH, ...(phaseChanged ? [PHASE_PATH] : [])];
  const result = await publish({ repo, paths, message, attempts: o.attempts, checkpoint, log: o.log });
  return { ...result, report, summary };
}
