/**
 * The local exchange simulator: Binance USDⓈ-M, Bybit v5 linear and OKX v5 public protocols on
 * 127.0.0.1, fed by a synthetic market or recorded captures, with fault switches.
 */
export { startSimulator, type FaultResult, type Simulator, type SimulatorOptions } from './simulator.ts';
export { FAULTS, parseFaultSpec, type FaultName, type FaultSpec } from './faults.ts';
export { defaultLimits, type LimitOverrides, type SimulatorLimits } from './options.ts';
export {
  createSyntheticMarket,
  type NextFramesOptions,
  type SyntheticMarket,
  type SyntheticMarketOptions,
} from './synthetic/market.ts';
export { defaultCaptureFiles } from './capture/source.ts';
