/**
 * The simulated exchange's settings, as parameters so that `--param` and `--sweep` reach them
 * like a strategy's own. Fee defaults are each venue's regular (VIP 0 / tier 1) USDT-margined
 * perpetual rates: Binance USDⓈ-M 0.02 % maker / 0.05 % taker, Bybit linear 0.02 % / 0.055 %,
 * OKX swap 0.02 % / 0.05 %. Rates in basis points (1 bp = 0.01 %).
 */
import type { ExchangeId } from '../../core/events.ts';
import type { ParamSpec, Params } from './params.ts';

export interface ExchangeFees {
  maker: number;
  taker: number;
}

export interface AccountConfig {
  /** Starting balance in the settle currency (USDT). */
  balance: number;
  /** Market orders fill this many bps worse than the best bid/ask. */
  slippageBps: number;
  /** Gross open notional may not exceed equity × leverage. */
  leverage: number;
  /** Largest open notional per market (quote); 0 for no limit. */
  maxPosition: number;
  /** Fee rates as fractions of notional. */
  fees: Record<ExchangeId, ExchangeFees>;
  /** Equity sampling interval and return interval of Sharpe/Sortino, ms. */
  intervalMs: number;
  /** Close every open position at the last quote when the session ends (taker fee applies). */
  closeAtEnd: boolean;
}

const FEE_PARAMS: [ExchangeId, string, number, number][] = [
  ['binance-usdm', 'binance', 2, 5],
  ['bybit-linear', 'bybit', 2, 5.5],
  ['okx-swap', 'okx', 2, 5],
];

export const ACCOUNT_PARAMS: readonly ParamSpec[] = [
  { name: 'balance', kind: 'number', default: 10_000, min: 1, description: 'starting balance in USDT' },
  {
    name: 'slippage_bps',
    kind: 'number',
    default: 1,
    min: 0,
    max: 1000,
    description: 'market orders fill this many bps beyond the best bid/ask',
  },
  {
    name: 'leverage',
    kind: 'number',
    default: 3,
    min: 0.01,
    max: 125,
    description: 'gross open notional may not exceed equity × leverage',
  },
  {
    name: 'max_position',
    kind: 'number',
    default: 0,
    min: 0,
    description: 'largest open notional per market in USDT (0 = no limit)',
  },
  {
    name: 'interval',
    kind: 'duration',
    default: '1m',
    description: 'equity sampling interval and the return interval of Sharpe/Sortino',
  },
  {
    name: 'close_at_end',
    kind: 'boolean',
    default: true,
    description: 'close open positions at the last quote when the session ends',
  },
  ...FEE_PARAMS.flatMap(([, short, maker, taker]): ParamSpec[] => [
    {
      name: `fee_${short}_maker_bps`,
      kind: 'number',
      default: maker,
      min: -10,
      max: 100,
      description: `${short} maker fee in bps (negative = rebate)`,
    },
    {
      name: `fee_${short}_taker_bps`,
      kind: 'number',
      default: taker,
      min: 0,
      max: 100,
      description: `${short} taker fee in bps`,
    },
  ]),
];

/** The account settings out of resolved parameters (see resolveParams). */
export function accountConfig(p: Params): AccountConfig {
  const fees = {} as Record<ExchangeId, ExchangeFees>;
  for (const [id, short] of FEE_PARAMS)
    fees[id] = {
      maker: (p[`fee_${short}_maker_bps`] as number) / 10_000,
      taker: (p[`fee_${short}_taker_bps`] as number) / 10_000,
    };
  return {
    balance: p.balance as number,
    slippageBps: p.slippage_bps as number,
    leverage: p.leverage as number,
    maxPosition: p.max_position as number,
    fees,
    intervalMs: p.interval as number,
    closeAtEnd: p.close_at_end as boolean,
  };
}
