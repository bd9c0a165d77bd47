/**
 * The Markdown status report: a snapshot rendered through docs/status_report_template.md into
 * docs/status/status_report-<UTC date-time>.md, with front matter the site reads for its list
 * and the dashboard summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { HORIZONS } from './database-stats.ts';
import { fmtBytes, fmtDuration, fmtInt, fmtPct, fmtSigned, mdTable } from './format.ts';
import { NOT_RUNNING } from './health.ts';
import { STATUS_DIR, TEMPLATE_PATH } from './paths.ts';
import { ALL_CLEAR, recommend, type Thresholds } from './recommendations.ts';
import type { Redact } from './redact.ts';
import type { Snapshot } from './state.ts';
import { fillTemplate, type TemplateValue } from './template.ts';
import { FbError } from '../core/errors.ts';

export function statusWord(s: Snapshot): string {
  return s.health.running ? s.health.status : NOT_RUNNING;
}

const totalRows = (s: Snapshot) => Object.values(s.database.rows).reduce((a, b) => a + b, 0);
const totalGrowth = (s: Snapshot) => {
  const g = Object.values(s.growth).filter((n): n is number => n !== null);
  return g.length ? g.reduce((a, b) => a + b, 0) : null;
};

/** Roles that answered and are not down (a degraded role still does its job). */
const rolesUp = (s: Snapshot) => s.roles.filter((r) => r.health.running && r.health.status !== 'down').length;

/** One line for commit messages, the console and the dashboard card. */
export function summaryLine(s: Snapshot, recommendations: number): string {
  const alerts = s.database.alerts ? Object.values(s.database.alerts.byTier).reduce((a, b) => a + b, 0) : 0;
  return [
    s.health.running ? `collector ${s.health.status}` : NOT_RUNNING,
    ...(s.roles.length > 1 ? [`${rolesUp(s)} of ${s.roles.length} roles up`] : []),
    `uptime ${fmtPct(s.uptime.pct)} over ${s.uptime.snapshots} snapshot(s)`,
    `${fmtInt(totalRows(s))} rows (${fmtSigned(totalGrowth(s))})`,
    `${fmtInt(alerts)} alert(s)`,
    `${recommendations} recommendation(s)`,
  ].join(', ');
}

function overview(s: Snapshot): string {
  const p = s.phase;
  return [
    `- Generated: ${s.time}${s.previousTime ? ` (previous snapshot ${s.previousTime})` : ' (first snapshot)'}`,
    `- Phase: ${p ? `**${p.tag}** since ${p.since}: ${p.note}` : 'none set'}`,
    `- Version: ${s.version ?? 'unknown'}${s.commit ? ` at commit \`${s.commit.slice(0, 12)}\`` : ''}`,
    `- Collector: **${statusWord(s)}**`,
    `- Uptime: ${fmtPct(s.uptime.pct)} (${s.uptime.up} of the last ${s.uptime.snapshots} snapshots answered and were not down)`,
  ].join('\n');
}

function backendSummary(s: Snapshot): string {
  const h = s.health;
  const db = s.database;
  const rows: [string, string][] = [
    ['Collector', h.running ? h.status : `${NOT_RUNNING} (${h.detail})`],
    ['Daemon version', h.running ? (h.version ?? 'n/a') : 'n/a'],
    ['Daemon uptime', h.running && h.uptimeS !== null ? fmtDuration(h.uptimeS * 1000) : 'n/a'],
    ['Writer lag', h.running && h.writerLagMs !== null ? `${fmtInt(h.writerLagMs)} ms` : 'n/a'],
    ['Feeds live', `${s.feeds.filter((f) => f.live).length} of ${s.feeds.length}`],
    [
      'Database',
      db.exists
        ? `${db.path}, ${fmtBytes(db.bytes)}, schema version ${db.schemaVersion ?? 'n/a'}`
        : `${db.path} (not created yet)`,
    ],
    ...recordingsRow(db.recordings),
    ['Disk free', s.disk ? `${fmtBytes(s.disk.freeBytes)} of ${fmtBytes(s.disk.totalBytes)}` : 'n/a'],
  ];
  return mdTable(['Item', 'Value'], rows);
}

/** Reasons and errors come from other machines: a table cell shows the start of them. */
const MAX_REASON_CHARS = 120;
const short = (text: string) => (text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text);

/**
 * One row per continuity target, when there are several (a scale-out deployment). The cells
 * hold text from the roles' /health answers; mdTable escapes what would break the table.
 */
function rolesTable(s: Snapshot): string {
  if (s.roles.length < 2) return '';
  const rows = s.roles.map(({ name, health: h }) => {
    if (!h.running) return [name, 'n/a', 'not running', short(h.detail), 'n/a', 'n/a', 'n/a', 'n/a'];
    const bus = h.bus;
    return [
      name,
      // A daemon older than the roles is the single-process collector.
      h.role ?? 'collector',
      h.status,
      short(h.reasons.join('; ') || 'none'),
      bus?.connected == null ? 'n/a' : bus.connected ? 'yes' : 'no',
      bus?.lag == null ? 'n/a' : `${fmtInt(bus.lag)}${bus.lagUnit ? ` ${bus.lagUnit}` : ''}`,
      h.uptimeS === null ? 'n/a' : fmtDuration(h.uptimeS * 1000),
      h.version ?? 'n/a',
    ];
  });
  return `### Roles\n\n${rolesUp(s)} of ${s.roles.length} answered and are not down.\n\n${mdTable(
    ['Name', 'Role', 'Status', 'Reasons', 'Bus connected', 'Bus lag', 'Uptime', 'Version'],
    rows,
  )}`;
}

/** The closed segments of a recordings folder, when the collector writes one. */
function recordingsRow(r: Snapshot['database']['recordings']): [string, string][] {
  if (!r) return [];
  const period =
    r.from === null || r.to === null ? '' : `, ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}`;
  return [
    [
      'Recordings',
      `${r.path}: ${fmtInt(r.segments)} closed segments, ${fmtBytes(r.bytes)}, ${fmtInt(r.events)} events${period}, ${r.pins} pinned`,
    ],
  ];
}

function kpis(s: Snapshot): string {
  const db = s.database;
  const rowTable = mdTable(
    ['Table', 'Rows', 'Since previous'],
    [
      ...Object.entries(db.rows).map(([t, n]) => [t, fmtInt(n), fmtSigned(s.growth[t] ?? null)]),
      ['**total**', fmtInt(totalRows(s)), fmtSigned(totalGrowth(s))],
    ],
  );
  const tiers = db.alerts ? Object.entries(db.alerts.byTier) : [];
  const figures: [string, string][] = [
    ['Collector uptime', fmtPct(s.uptime.pct)],
    ['Websocket uptime (feeds with fresh data)', fmtPct(s.uptime.websocketPct)],
    ['Average |z| (metrics.z_max)', db.metrics?.avgAbsZ != null ? db.metrics.avgAbsZ.toFixed(3) : 'n/a'],
    [
      'Alerts by tier',
      tiers.length
        ? tiers.map(([t, n]) => `${t}: ${fmtInt(n)}`).join(', ')
        : db.alerts
          ? 'none'
          : 'n/a (no alerts table)',
    ],
    ...HORIZONS.map((hz): [string, string] => {
      const r = db.alerts?.hitRate[hz];
      return [`Alert hit rate ${hz}`, r && r.pct !== null ? `${fmtPct(r.pct)} (${r.hits} of ${r.evaluated})` : 'n/a'];
    }),
  ];
  return `${rowTable}\n\n${mdTable(['KPI', 'Value'], figures)}`;
}

function fileHashes(s: Snapshot): string {
  const entries = Object.entries(s.files);
  return entries.length
    ? mdTable(
        ['File', 'SHA-256'],
        entries.map(([p, h]) => [`\`${p}\``, `\`${h}\``]),
      )
    : 'No tracked files found.';
}

function diagnostics(s: Snapshot): string {
  const h = s.health;
  const parts: string[] = [];
  parts.push(`**Health reasons:** ${h.running ? h.reasons.join('; ') || 'none' : h.detail}`);
  parts.push(
    s.feeds.length
      ? mdTable(
          ['Exchange', 'Stream', 'State', 'Last data', `Live (≤ ${fmtDuration(s.staleMs)})`],
          s.feeds.map((f) => [f.exchange, f.stream, f.state, fmtDuration(f.lastMessageAgeMs), f.live ? 'yes' : 'no']),
        )
      : 'No feeds reported.',
  );
  const g = s.gaps;
  parts.push(
    `**Gaps:** ${fmtInt(g.total)} recorded, ${g.sincePrevious ?? 'n/a'} since the previous snapshot, ${g.open ?? 'n/a'} open.`,
  );
  const d = s.drift;
  parts.push(
    !d
      ? '**Drift:** first snapshot, nothing to compare.'
      : d.added.length + d.removed.length + d.changed.length === 0
        ? '**Drift:** no tracked file changed since the previous snapshot.'
        : `**Drift:** ${[...d.changed.map((p) => `changed \`${p}\``), ...d.added.map((p) => `added \`${p}\``), ...d.removed.map((p) => `removed \`${p}\``)].join(', ')}.`,
  );
  if (s.database.problems.length) parts.push(`**Database problems:** ${s.database.problems.join('; ')}`);
  return parts.join('\n\n');
}

export function loadTemplate(root: string): string {
  const file = join(root, TEMPLATE_PATH);
  if (!existsSync(file))
    throw new FbError(
      'E_TEMPLATE',
      `${TEMPLATE_PATH} not found under ${root}: restore it from git (git checkout -- ${TEMPLATE_PATH})`,
    );
  return readFileSync(file, 'utf8');
}

export function renderReport(
  template: string,
  s: Snapshot,
  thresholds: Thresholds,
): { markdown: string; summary: string } {
  const recs = recommend(s, thresholds);
  const summary = summaryLine(s, recs.length);
  const values: Record<string, TemplateValue> = {
    title: `Status report ${s.time.slice(0, 16).replace('T', ' ')} UTC`,
    generated: s.time,
    phase: s.phase?.tag ?? null,
    status: statusWord(s),
    uptime_pct: s.uptime.pct,
    summary,
    overview: overview(s),
    backend_summary: backendSummary(s),
    roles: rolesTable(s),
    kpis: kpis(s),
    file_hashes: fileHashes(s),
    diagnostics: diagnostics(s),
    recommendations: (recs.length ? recs : [ALL_CLEAR]).map((r) => `- ${r}`).join('\n'),
  };
  return { markdown: fillTemplate(template, values), summary };
}

/** `2025-11-25T00:29:07.123Z` -> `status_report-2025-11-25T00-29-07Z.md` (no `:`, valid on every OS). */
export function reportFileName(time: string, n = 0): string {
  return `status_report-${time.slice(0, 19).replace(/:/g, '-')}Z${n ? `-${n}` : ''}.md`;
}

/** A report path no earlier report has taken (two reports within one second get -1, -2, ...). */
export function nextReportPath(root: string, time: string): string {
  let n = 0;
  while (existsSync(join(root, STATUS_DIR, reportFileName(time, n)))) n++;
  return `${STATUS_DIR}/${reportFileName(time, n)}`;
}

export function writeReport(root: string, rel: string, markdown: string, redact: Redact): void {
  writeFileAtomic(join(root, rel), redact(markdown));
}
