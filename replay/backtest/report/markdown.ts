/** The human-readable backtest report (Markdown): summary with every interval stated, trades, funding. */
import { describeDuration } from '../duration.ts';
import type { BacktestReport } from '../report.ts';

/** Trades listed in the Markdown report; the full list is in trades.csv and report.json. */
const MAX_TRADE_ROWS = 50;

const iso = (ts: number | null) => (ts === null ? '—' : new Date(ts).toISOString().replace('.000Z', 'Z'));
const money = (x: number) => x.toFixed(2);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(3)} %`);
const num = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits));
const price = (x: number) => (x >= 100 ? x.toFixed(2) : x.toPrecision(6));
const esc = (s: string) => s.replaceAll('|', '\\|');

function rows(header: string[], body: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
}

export function reportMarkdown(r: BacktestReport): string {
  const rejected =
    Object.entries(r.orders.rejected)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const out: string[] = [
    `# Backtest: ${r.strategy}`,
    '',
    `Session ${iso(r.session.from_ts)} → ${iso(r.session.to_ts)} (${describeDuration(r.session.duration_ms)}, ${r.session.events} events).`,
    '',
    '## Parameters',
    '',
    ...rows(
      ['parameter', 'value'],
      Object.entries(r.params).map(([k, v]) => [k, String(v)]),
    ),
    '',
    '## Results',
    '',
    ...rows(
      ['measure', 'value', 'note'],
      [
        ['total return', pct(r.total_return), r.total_return_interval],
        ['total return, annualised', pct(r.total_return_annualised), r.annualised_note],
        ['net PnL', money(r.net_pnl), `final equity ${money(r.final_equity)} from ${money(r.initial_balance)}`],
        ['Sharpe', num(r.sharpe), `per ${r.return_interval} return, ${r.return_periods} periods, not annualised`],
        ['Sortino', num(r.sortino), `per ${r.return_interval} return, downside below 0, not annualised`],
        [
          'max drawdown',
          pct(r.max_drawdown),
          `${describeDuration(r.max_drawdown_duration_ms)} from peak ${iso(r.max_drawdown_peak_ts)}${r.max_drawdown_recovered ? ' to recovery' : ', not recovered'}`,
        ],
        ['trades', String(r.trades), 'closed round trips'],
        ['win rate', pct(r.win_rate), 'share of trades with net PnL > 0'],
        [
          'profit factor',
          num(r.profit_factor),
          r.profit_factor === null ? 'no losing trade (or no trade)' : 'gross profit / gross loss',
        ],
        ['expectancy', r.expectancy === null ? '—' : money(r.expectancy), 'mean net PnL per trade'],
        ['exposure', pct(r.exposure), 'share of the session with a position open'],
        ['fees paid', money(r.fees_paid), ''],
        ['funding paid', money(r.funding_paid), ''],
        ['funding received', money(r.funding_received), ''],
        [
          'orders',
          `${r.orders.placed} placed, ${r.orders.filled} filled, ${r.orders.cancelled} cancelled`,
          `rejected: ${rejected}`,
        ],
      ],
    ),
    '',
    '## Trades',
    '',
  ];
  if (!r.trade_list.length) out.push('No closed trades.');
  else {
    out.push(
      ...rows(
        [
          '#',
          'market',
          'exchange',
          'side',
          'open',
          'close',
          'qty',
          'entry',
          'exit',
          'fees',
          'funding',
          'net PnL',
          'tag',
        ],
        r.trade_list
          .slice(0, MAX_TRADE_ROWS)
          .map((t) => [
            String(t.id),
            t.market,
            t.exchange,
            t.direction,
            iso(t.open_ts),
            iso(t.close_ts),
            t.qty.toPrecision(6),
            price(t.entry_price),
            price(t.exit_price),
            money(t.fees),
            money(t.funding),
            money(t.net_pnl),
            t.tag,
          ]),
      ),
    );
    if (r.trade_list.length > MAX_TRADE_ROWS)
      out.push('', `… ${r.trade_list.length - MAX_TRADE_ROWS} more in trades.csv.`);
  }
  out.push('', '## Funding', '');
  if (!r.funding_list.length) out.push('No funding settled while a position was open.');
  else
    out.push(
      ...rows(
        ['time', 'market', 'exchange', 'rate', 'mark', 'position', 'amount'],
        r.funding_list.map((f) => [
          iso(f.ts),
          f.market,
          f.exchange,
          String(f.rate),
          price(f.mark_price),
          f.position_qty.toPrecision(6),
          money(f.amount),
        ]),
      ),
    );
  out.push(
    '',
    'Amounts in USDT. Positive funding rate: longs pay shorts. Fills at best bid/ask plus slippage; limit orders fill only when a later trade trades through their price.',
    '',
  );
  return out.join('\n');
}
