/**
 * Peak resident memory of a process (this one or a child) on Linux, from the kernel's high-water
 * mark (VmHWM in /proc/<pid>/status). Writing 5 to /proc/<pid>/clear_refs resets that mark to
 * the current RSS, so a test measures the peak of one step rather than of the process's life.
 * A sampler on a timer misses a short peak; the kernel's mark does not.
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Pid = number | 'self';

function statusMiB(pid: Pid, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(m[1]) / 1024;
}

/** Reset the peak to the current RSS; the returned reader gives how far the peak rose since (MiB). */
export function peakRssGrowth(pid: Pid = 'self'): () => number {
  const base = statusMiB(pid, 'VmRSS');
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  return () => statusMiB(pid, 'VmHWM') - base;
}
