/** A venue's integer prices and sizes as the decimal text Binance and Bybit print (fixed decimals). */
import { fixed } from './fixed.ts';
import type { Venue } from './model.ts';

export function priceText(v: Venue, units: number): string {
  return fixed(units, v.spec.priceDp);
}

export function qtyText(v: Venue, units: number): string {
  return fixed(units, v.spec.qtyDp);
}

/** Mark/index prices and funding rates: Binance prints them with 8 decimals. */
export function eightDecimals(x: number): string {
  return fixed(Math.round(x * 1e8), 8);
}
