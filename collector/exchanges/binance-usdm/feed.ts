/**
 * The Binance USDⓈ-M adapter: parser, production endpoints, instrument and volume lists, and the
 * feed plan. Every URL is derived from the `endpoints` passed in (the simulator relies on it).
 */
import type { ExchangeAdapter, ExchangeEndpoints } from '../types.ts';
import { parseInstruments, parseVolumes } from './exchange-info.ts';
import { EXCHANGE } from './fields.ts';
import { createParser } from './parse.ts';
import { plan, restBase } from './plan.ts';

export { usedWeight, WEIGHT_LIMIT_PER_MINUTE } from './rate-limit.ts';

export const defaultEndpoints: ExchangeEndpoints = {
  ws: { public: 'wss://fstream.binance.com/public', market: 'wss://fstream.binance.com/market' },
  rest: 'https://fapi.binance.com',
};

export const adapter: ExchangeAdapter = {
  id: EXCHANGE,
  createParser,
  defaultEndpoints,
  instrumentsUrl: (endpoints) => `${restBase(endpoints)}/fapi/v1/exchangeInfo`,
  parseInstruments,
  volumesUrl: (endpoints) => `${restBase(endpoints)}/fapi/v1/ticker/24hr`,
  parseVolumes,
  plan,
};
