/**
 * Where one exchange is reached: its websocket URLs by stream name and its REST base. The
 * collector connects to them and the simulator serves them, so the shape lives below both.
 */
export interface ExchangeEndpoints {
  /** Binance: `.../public` and `.../market`; Bybit: `.../v5/public/linear`; OKX: `.../ws/v5/public`. */
  ws: Record<string, string>;
  rest: string;
}
