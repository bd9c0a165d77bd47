/**
 * One line of a capture file (docs/developer_guide.md, Raw archive and import), checked. A line that is not a JSON
 * object with a string `t`, or a known kind without its fields, is malformed: the importer
 * counts it and moves on. Unknown kinds and unknown fields are accepted (the format grows).
 */
import { EXCHANGES, type ExchangeId, type GapCause } from '../../core/events.ts';
import type { Instrument } from '../../core/instruments.ts';
import type { ArchivedFeed } from '../feed/raw-recorder.ts';

export type CaptureLine =
  /** `session` and `part`: the collector's rotated archive files (raw-recorder.ts); absent in other tools' captures. */
  | { t: 'header'; feeds: ArchivedFeed[] | null; session: string | null; part: number | null }
  | { t: 'connect'; conn: string; ts: number; addr: string }
  | { t: 'recv'; conn: string; ts: number; addr?: string; data: string }
  | { t: 'http'; conn: string; ts: number; url: string; data: string }
  | { t: 'gap'; conn: string; ts: number; start: number; cause: GapCause }
  /** `send` and kinds this version does not know: nothing to import. */
  | { t: 'other' };

/** Losses the collector records in its archive (sequence breaks are found again by the parsers). */
const LOSS_CAUSES: readonly GapCause[] = ['disconnect', 'stale', 'rollover', 'error'];

type Json = Record<string, unknown>;

const str = (o: Json, k: string) => typeof o[k] === 'string';
const num = (o: Json, k: string) => typeof o[k] === 'number' && Number.isFinite(o[k]);

function feedsOf(v: unknown): ArchivedFeed[] | null | undefined {
  if (v === undefined) return null;
  if (!Array.isArray(v)) return undefined;
  const ok = v.every(
    (f: Json) =>
      typeof f === 'object' &&
      f !== null &&
      EXCHANGES.includes(f.exchange as ExchangeId) &&
      Array.isArray(f.streams) &&
      f.streams.every((s) => typeof s === 'string') &&
      Array.isArray(f.instruments) &&
      f.instruments.every(
        (i: Instrument) =>
          typeof i === 'object' && i !== null && i.exchange === f.exchange && typeof i.symbol === 'string',
      ),
  );
  return ok ? (v as ArchivedFeed[]) : undefined;
}

/** The checked line, or null when it is malformed. */
export function parseCaptureLine(text: string): CaptureLine | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !str(o as Json, 't')) return null;
  const l = o as Json;
  // Times are Unix seconds in the format; everything downstream works in milliseconds.
  const ms = (k: string) => Math.round((l[k] as number) * 1000);
  switch (l.t) {
    case 'header': {
      const feeds = feedsOf(l.feeds);
      if (feeds === undefined) return null;
      const session = str(l, 'session') ? (l.session as string) : null;
      const part = Number.isSafeInteger(l.part) ? (l.part as number) : null;
      return { t: 'header', feeds, session, part };
    }
    case 'connect':
      return str(l, 'conn') && num(l, 'ts') && str(l, 'addr')
        ? { t: 'connect', conn: l.conn as string, ts: ms('ts'), addr: l.addr as string }
        : null;
    case 'recv':
      return str(l, 'conn') && num(l, 'ts') && str(l, 'data') && (l.addr === undefined || str(l, 'addr'))
        ? {
            t: 'recv',
            conn: l.conn as string,
            ts: ms('ts'),
            addr: l.addr as string | undefined,
            data: l.data as string,
          }
        : null;
    case 'http':
      return num(l, 'ts') && str(l, 'url') && str(l, 'data') && (l.conn === undefined || str(l, 'conn'))
        ? {
            t: 'http',
            conn: (l.conn as string | undefined) ?? '',
            ts: ms('ts'),
            url: l.url as string,
            data: l.data as string,
          }
        : null;
    case 'gap':
      return str(l, 'conn') && num(l, 'ts') && num(l, 'start') && LOSS_CAUSES.includes(l.cause as GapCause)
        ? { t: 'gap', conn: l.conn as string, ts: ms('ts'), start: ms('start'), cause: l.cause as GapCause }
        : null;
    default:
      return { t: 'other' };
  }
}
