/** Errors of the backtester; `code` lets the CLI and the site react without parsing text. */
export type BacktestErrorCode = 'E_BACKTEST_PARAM' | 'E_BACKTEST_STRATEGY' | 'E_BACKTEST_STATE';

export class BacktestError extends Error {
  constructor(
    readonly code: BacktestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BacktestError';
  }
}
