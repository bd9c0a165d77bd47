/** Status reports from docs/status, newest first (by their `generated` time, else by file name). */
import { getCollection, type CollectionEntry } from 'astro:content';

export type Report = CollectionEntry<'status'>;

export async function statusReports(): Promise<Report[]> {
  const all = await getCollection('status');
  const time = (r: Report) => Date.parse(r.data.generated ?? '') || 0;
  return all.sort((a: Report, b: Report) => time(b) - time(a) || b.id.localeCompare(a.id));
}

export function reportTitle(r: Report): string {
  return r.data.title ?? r.id;
}
