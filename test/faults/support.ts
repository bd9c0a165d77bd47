/**
 * What the fault scenarios read from the outside, as an operator would: Prometheus counters
 * from /metrics, /health, and the recorded SQLite file.
 */
import Database from 'better-sqlite3';
import { EVENT_TABLES } from '../../core/tables.ts';

export type Scrape = (name: string, labels?: Record<string, string>) => number;

/** GET /metrics (with the daemon's token, if it has one) and return a reader: the sum of the series of `name` whose labels match. */
export async function scrapeMetrics(port: number, token?: string): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const series: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    series.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return (name, labels = {}) =>
    series
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);
}

export interface HealthReply {
  httpStatus: number;
  status: 'ok' | 'degraded' | 'down';
  reasons: string[];
}

export async function getHealth(port: number): Promise<HealthReply> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  const body = (await res.json()) as { status: HealthReply['status']; reasons: string[] };
  return { httpStatus: res.status, status: body.status, reasons: body.reasons };
}

/** Open the file read-only (as the HTTP API and exports do) and run `fn`. */
export function withDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function integrity(db: Database.Database): string {
  return db.pragma('integrity_check', { simple: true }) as string;
}

/** Rows with seq ≤ `upTo` across every event table (`seq` is dense across all of them). */
export function rowsUpTo(db: Database.Database, upTo: number): number {
  const union = EVENT_TABLES.map((t) => `SELECT seq FROM ${t.table}`).join(' UNION ALL ');
  return (db.prepare(`SELECT count(*) AS n FROM (${union}) WHERE seq <= ?`).get(upTo) as { n: number }).n;
}

/** Resident set and heap of this process, sampled on a timer; `stop()` returns the samples. */
export function sampleMemory(everyMs: number): { stop(): { rss: number; heap: number }[] } {
  const samples: { rss: number; heap: number }[] = [];
  const take = () => {
    const m = process.memoryUsage();
    samples.push({ rss: m.rss, heap: m.heapUsed });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export const MiB = 1024 * 1024;
