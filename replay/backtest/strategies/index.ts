/** The built-in strategies by name (the names `futuresboard backtest --strategy` accepts). */
import type { StrategyDefinition } from '../types.ts';
import { followTier2 } from './follow-tier2.ts';
import { fundingCarry } from './funding-carry.ts';
import { zscoreRevert } from './zscore-revert.ts';
import { FbError } from '../../../core/errors.ts';

export const STRATEGIES: readonly StrategyDefinition[] = [zscoreRevert, fundingCarry, followTier2];

export function getStrategy(name: string): StrategyDefinition {
  const s = STRATEGIES.find((d) => d.name === name);
  if (!s)
    throw new FbError(
      'E_BACKTEST_STRATEGY',
      `unknown strategy ${JSON.stringify(name)}; built-in strategies: ${STRATEGIES.map((d) => d.name).join(', ')}`,
    );
  return s;
}
