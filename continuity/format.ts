/** Number and table formatting for reports and console output (fixed locale: reports are diffed). */
export const fmtInt = (n: number) => n.toLocaleString('en-US');

export const fmtSigned = (n: number | null) => (n === null ? 'n/a' : `${n >= 0 ? '+' : ''}${fmtInt(n)}`);

export const fmtPct = (p: number | null) => (p === null ? 'n/a' : `${p.toFixed(2)}%`);

export { fmtBytes } from '../core/format-bytes.ts';

export function fmtDuration(ms: number | null): string {
  if (ms === null) return 'never';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** A Markdown table; `|` inside cells is escaped so a value cannot break the layout. */
export function mdTable(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}
