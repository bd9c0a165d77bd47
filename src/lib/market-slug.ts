/**
 * URL slugs for unified markets: `BTC/USDT:USDT` -> `btc-usdt-usdt`. Slugs are what page paths
 * and `?market=` use; the unified form is what the data and the relay use.
 */
export function marketSlug(market: string): string {
  return market
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
