/**
 * Export filters as given on the command line or in a /snapshot.sqlite query: times as epoch
 * milliseconds or ISO-8601, markets as a comma-separated list of unified markets.
 */
import { exportError } from './errors.ts';

export interface ExportFilters {
  /** Keep rows with local_ts >= from (epoch ms). */
  from?: number;
  /** Keep rows with local_ts < to (epoch ms). */
  to?: number;
  /** Keep rows of these unified markets (plus rows that concern every market). */
  markets?: string[];
}

export interface RawFilters {
  from?: string;
  to?: string;
  markets?: string;
}

/** Epoch ms from "1767225600000" or "2026-01-01T00:00:00Z"; null when neither. */
export function parseTime(text: string): number | null {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Validate raw filter text; `flag` spells an option name in errors ("--from" or "from"). */
export function parseFilters(raw: RawFilters, flag: (name: string) => string): ExportFilters {
  const out: ExportFilters = {};
  for (const name of ['from', 'to'] as const) {
    const text = raw[name];
    if (text === undefined) continue;
    const ms = parseTime(text);
    if (ms === null)
      throw exportError(
        'E_EXPORT_OPTIONS',
        `${flag(name)} must be epoch milliseconds or an ISO time such as 2026-01-01T00:00:00Z, got ${JSON.stringify(text)}`,
      );
    out[name] = ms;
  }
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to)
    throw exportError('E_EXPORT_OPTIONS', `${flag('from')} must be before ${flag('to')}`);
  if (raw.markets !== undefined) {
    const markets = raw.markets
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (markets.length === 0)
      throw exportError(
        'E_EXPORT_OPTIONS',
        `${flag('markets')} must list unified markets such as BTC/USDT:USDT,ETH/USDT:USDT`,
      );
    out.markets = markets;
  }
  return out;
}
