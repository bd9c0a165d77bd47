/** Where the numbers on screen come from: the live relay, or the build's snapshot and its time. */
import { fmtTime } from '../../lib/format.ts';
import type { RelayStatus } from './relay-connection.ts';

const STYLES: Record<RelayStatus, string> = {
  live: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  connecting: 'bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300',
  reconnecting: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  static: 'bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300',
};

export function StatusPill({ status, asOf }: { status: RelayStatus; asOf: number | null }) {
  const text =
    status === 'live'
      ? 'live'
      : status === 'reconnecting'
        ? 'reconnecting…'
        : `static as of ${asOf === null ? 'no data' : fmtTime(asOf)}`;
  return (
    <span
      data-testid="status-pill"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ${STYLES[status]}`}
    >
      <span
        aria-hidden="true"
        className={`h-1.5 w-1.5 rounded-full ${status === 'live' ? 'bg-emerald-500' : status === 'reconnecting' ? 'bg-amber-500' : 'bg-gray-400'}`}
      />
      {text}
    </span>
  );
}
