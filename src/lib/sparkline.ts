/**
 * A session's activity for an inline SVG sparkline (no script needed): a step area of events per
 * segment over the session's time, one closed run per stretch of contiguous segments, so a hole
 * in the recording drops to the baseline instead of being drawn across. Heights are event rates
 * (events per ms of the segment's period), so a shorter segment does not look quieter than it was.
 */
export interface Period {
  from: number;
  to: number;
  events: number;
}

const r = (n: number) => Math.round(n * 10) / 10;

/** The SVG path `d` of `segments` (in time order) drawn in a `width` x `height` box. */
export function activityPath(segments: readonly Period[], width: number, height: number): string {
  if (segments.length === 0) return '';
  const from = segments[0].from;
  const span = Math.max(1, segments.at(-1)!.to - from);
  const rate = (s: Period) => s.events / Math.max(1, s.to - s.from);
  const peak = Math.max(...segments.map(rate));
  const x = (t: number) => r(((t - from) / span) * width);
  const y = (s: Period) => r(peak > 0 ? height - (rate(s) / peak) * height : height);
  let d = '';
  segments.forEach((s, i) => {
    if (i === 0 || segments[i - 1].to !== s.from) d += `M${x(s.from)} ${height}`;
    d += `L${x(s.from)} ${y(s)}L${x(s.to)} ${y(s)}`;
    if (i === segments.length - 1 || segments[i + 1].from !== s.to) d += `L${x(s.to)} ${height}Z`;
  });
  return d;
}
