/**
 * A byte count as people read it (`1.2 MiB`), the same text in reports, CLI output, the build log
 * and the site's pages: binary units, one decimal, fixed locale.
 */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
