/**
 * The markets the synthetic exchange lists: one base asset traded as a USDT-margined perpetual
 * on all three venues, each venue with its own symbol spelling, tick size, printed decimals and
 * (OKX) contract value. Presets copy the real venues' instrument lists; other bases get sizes
 * derived from their price.
 */
import { pow10 } from './fixed.ts';
import { FbError } from '../../core/errors.ts';

export interface VenueSpec {
  symbol: string;
  /** Decimals printed in prices; prices are integer counts of 10^-priceDp. */
  priceDp: number;
  /** Tick size in price units. */
  tickUnits: number;
  /** Decimals printed in quantities (OKX: contracts). */
  qtyDp: number;
  /** Lot size in quantity units. */
  stepUnits: number;
}

export interface OkxVenueSpec extends VenueSpec {
  /** Contract value in base units as the instruments endpoint prints it ("0.01"). */
  ctVal: string;
  /** ctVal as an integer count of 10^-ctValDp. */
  ctValUnits: number;
  ctValDp: number;
}

export interface SimMarket {
  base: string;
  quote: 'USDT';
  /** Starting mid price in quote units. */
  price: number;
  /** Typical trade size in base units. */
  typicalQty: number;
  'binance-usdm': VenueSpec;
  'bybit-linear': VenueSpec;
  'okx-swap': OkxVenueSpec;
}

function okx(symbol: string, priceDp: number, tickUnits: number, ctVal: string): OkxVenueSpec {
  const ctValDp = ctVal.includes('.') ? ctVal.length - ctVal.indexOf('.') - 1 : 0;
  return {
    symbol,
    priceDp,
    tickUnits,
    qtyDp: 0,
    stepUnits: 1,
    ctVal,
    ctValDp,
    ctValUnits: Math.round(Number(ctVal) * pow10(ctValDp)),
  };
}

const PRESETS: Record<string, SimMarket> = {
  BTC: {
    base: 'BTC',
    quote: 'USDT',
    price: 65000,
    typicalQty: 0.05,
    'binance-usdm': { symbol: 'BTCUSDT', priceDp: 2, tickUnits: 10, qtyDp: 3, stepUnits: 1 },
    'bybit-linear': { symbol: 'BTCUSDT', priceDp: 2, tickUnits: 10, qtyDp: 3, stepUnits: 1 },
    'okx-swap': okx('BTC-USDT-SWAP', 1, 1, '0.01'),
  },
  ETH: {
    base: 'ETH',
    quote: 'USDT',
    price: 3400,
    typicalQty: 0.8,
    'binance-usdm': { symbol: 'ETHUSDT', priceDp: 2, tickUnits: 1, qtyDp: 3, stepUnits: 1 },
    'bybit-linear': { symbol: 'ETHUSDT', priceDp: 2, tickUnits: 1, qtyDp: 2, stepUnits: 1 },
    'okx-swap': okx('ETH-USDT-SWAP', 2, 1, '0.1'),
  },
  SOL: {
    base: 'SOL',
    quote: 'USDT',
    price: 150,
    typicalQty: 15,
    'binance-usdm': { symbol: 'SOLUSDT', priceDp: 4, tickUnits: 100, qtyDp: 0, stepUnits: 1 },
    'bybit-linear': { symbol: 'SOLUSDT', priceDp: 3, tickUnits: 10, qtyDp: 1, stepUnits: 1 },
    'okx-swap': okx('SOL-USDT-SWAP', 2, 1, '1'),
  },
};

export const DEFAULT_MARKETS = ['BTC', 'ETH', 'SOL'];

/** Sizes for a base without a preset: about five significant price digits, ~$2000 trades. */
function derived(base: string, price: number): SimMarket {
  const mag = Math.floor(Math.log10(price));
  const priceDp = Math.max(0, Math.min(8, 4 - mag));
  const qtyDp = price >= 1000 ? 3 : price >= 10 ? 2 : price >= 1 ? 1 : 0;
  const ctExp = Math.round(Math.log10(50 / price));
  const ctVal = ctExp >= 0 ? String(10 ** ctExp) : (10 ** ctExp).toFixed(-ctExp);
  const venue = (symbol: string): VenueSpec => ({ symbol, priceDp, tickUnits: 1, qtyDp, stepUnits: 1 });
  return {
    base,
    quote: 'USDT',
    price,
    typicalQty: 2000 / price,
    'binance-usdm': venue(`${base}USDT`),
    'bybit-linear': venue(`${base}USDT`),
    'okx-swap': okx(`${base}-USDT-SWAP`, priceDp, 1, ctVal),
  };
}

/**
 * Markets from `BTC`, `ETH`, or `DOGE=0.15` (a base without a preset needs its start price;
 * a preset's price can be overridden the same way).
 */
export function parseMarkets(list: readonly string[]): SimMarket[] {
  if (list.length === 0)
    throw new FbError('E_SIM_MARKET', 'markets must list at least one base asset, e.g. ["BTC","ETH"]');
  const seen = new Set<string>();
  return list.map((entry) => {
    const m = /^([A-Z0-9]{2,12})(?:=([0-9]*\.?[0-9]+))?$/.exec(entry.trim().toUpperCase());
    if (!m) throw new FbError('E_SIM_MARKET', `markets: "${entry}" is not BASE or BASE=price (e.g. BTC, DOGE=0.15)`);
    const [, base, priceText] = m;
    if (seen.has(base)) throw new FbError('E_SIM_MARKET', `markets: ${base} is listed twice`);
    seen.add(base);
    const price = priceText === undefined ? undefined : Number(priceText);
    if (price !== undefined && !(price > 0)) throw new FbError('E_SIM_MARKET', `markets: price of ${base} must be > 0`);
    const preset = PRESETS[base];
    if (preset) return price === undefined ? preset : { ...preset, price };
    if (price === undefined)
      throw new FbError('E_SIM_MARKET', `markets: no preset for ${base}; give its start price as ${base}=<price>`);
    return derived(base, price);
  });
}
