/**
 * Resolves the markets to record on one exchange: the configured symbols (or the top N by 24 h
 * quote volume) joined with the exchange's instrument list for contract sizes and tick sizes.
 */
import type { Instrument } from '../../core/instruments.ts';
import { guessInstrument } from '../../core/instruments.ts';
import { Backoff } from './backoff.ts';
import type { Logger } from '../../core/log.ts';
import type { MarketSelection } from '../config.ts';
import type { ExchangeAdapter, ExchangeEndpoints } from '../exchanges/types.ts';

async function getText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  return body;
}

export interface ResolvedMarkets {
  instruments: Instrument[];
  /** False when the instrument list could not be fetched and sizes were guessed. */
  fromExchange: boolean;
}

export async function resolveMarkets(
  adapter: ExchangeAdapter,
  endpoints: ExchangeEndpoints,
  selection: MarketSelection,
  opts: { logger: Logger; timeoutMs: number; fallback?: Instrument[] },
): Promise<ResolvedMarkets> {
  let listed: Instrument[] | null = null;
  try {
    listed = adapter.parseInstruments(await getText(adapter.instrumentsUrl(endpoints), opts.timeoutMs));
  } catch (err) {
    opts.logger.warn(
      { exchange: adapter.id, err: (err as Error).message },
      'instrument list unavailable; using known contract sizes',
    );
  }
  const bySymbol = new Map((listed ?? opts.fallback ?? []).map((i) => [i.symbol, i]));
  let symbols = selection.symbols ?? [];
  if (selection.top) {
    if (!listed)
      throw new Error(`${adapter.id}: markets.top needs the exchange's instrument list, which could not be fetched`);
    const volumes = adapter.parseVolumes(await getText(adapter.volumesUrl(endpoints), opts.timeoutMs));
    symbols = listed
      .map((i) => i.symbol)
      .filter((s) => volumes.has(s))
      .sort((a, b) => (volumes.get(b) ?? 0) - (volumes.get(a) ?? 0))
      .slice(0, selection.top);
  }
  const instruments = symbols.map((s) => {
    const known = bySymbol.get(s);
    if (!known && listed)
      opts.logger.warn(
        { exchange: adapter.id, symbol: s },
        'symbol not in the exchange instrument list; recording it anyway',
      );
    return known ?? guessInstrument(adapter.id, s);
  });
  return { instruments, fromExchange: listed !== null };
}

/**
 * resolveMarkets, retried with backoff while it cannot work (a `top` selection needs the
 * exchange's lists): without network the collector waits and says so instead of exiting.
 */
export async function resolveMarketsPatiently(...args: Parameters<typeof resolveMarkets>): Promise<ResolvedMarkets> {
  const [adapter, , , opts] = args;
  const backoff = new Backoff(1000, 60_000);
  for (;;) {
    try {
      return await resolveMarkets(...args);
    } catch (err) {
      const ms = Math.max(1000, backoff.next());
      opts.logger.warn(
        { exchange: adapter.id, err: (err as Error).message, retryInMs: ms },
        'cannot choose markets yet; retrying',
      );
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}
