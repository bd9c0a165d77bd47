/**
 * Groups fills into round trips (flat → position → flat) per instrument, the unit behind win
 * rate, profit factor and expectancy. A fill that flips a position closes one trade and opens
 * the next with the remainder; its fee is split between them by quantity.
 */
import type { Fill, InstrumentRef, TradeRecord } from './types.ts';

interface OpenTrade extends InstrumentRef {
  id: number;
  direction: 'long' | 'short';
  open_ts: number;
  maxQty: number;
  entryQty: number;
  entryNotional: number;
  exitQty: number;
  exitNotional: number;
  gross: number;
  fees: number;
  funding: number;
  tag: string;
}

export class TradeBook {
  readonly closed: TradeRecord[] = [];
  private readonly open = new Map<string, OpenTrade>();
  private nextId = 1;

  /** `before`/`after` are the signed position of the fill's instrument around the fill. */
  onFill(key: string, fill: Fill, before: number, after: number): void {
    const closing =
      before !== 0 && Math.sign(after) !== Math.sign(before)
        ? Math.abs(before)
        : before !== 0 && Math.abs(after) < Math.abs(before)
          ? fill.qty
          : 0;
    const opening = fill.qty - closing;
    let t = this.open.get(key);
    if (closing > 0 && t) {
      t.exitQty += closing;
      t.exitNotional += closing * fill.price;
      t.gross += fill.realized_pnl;
      t.fees += (fill.fee * closing) / fill.qty;
      if (after === 0 || Math.sign(after) !== Math.sign(before)) {
        this.close(key, t, fill.ts);
        t = undefined;
      }
    }
    if (opening > 0) {
      if (!t) {
        t = {
          id: this.nextId++,
          exchange: fill.exchange,
          market: fill.market,
          direction: after > 0 ? 'long' : 'short',
          open_ts: fill.ts,
          maxQty: 0,
          entryQty: 0,
          entryNotional: 0,
          exitQty: 0,
          exitNotional: 0,
          gross: 0,
          fees: 0,
          funding: 0,
          tag: fill.tag,
        };
        this.open.set(key, t);
      }
      t.entryQty += opening;
      t.entryNotional += opening * fill.price;
      t.fees += (fill.fee * opening) / fill.qty;
    }
    if (t) t.maxQty = Math.max(t.maxQty, Math.abs(after));
  }

  onFunding(key: string, amount: number): void {
    const t = this.open.get(key);
    if (t) t.funding += amount;
  }

  private close(key: string, t: OpenTrade, ts: number): void {
    this.open.delete(key);
    this.closed.push({
      id: t.id,
      exchange: t.exchange,
      market: t.market,
      direction: t.direction,
      open_ts: t.open_ts,
      close_ts: ts,
      qty: t.maxQty,
      entry_price: t.entryNotional / t.entryQty,
      exit_price: t.exitNotional / t.exitQty,
      gross_pnl: t.gross,
      fees: t.fees,
      funding: t.funding,
      net_pnl: t.gross - t.fees + t.funding,
      tag: t.tag,
    });
  }
}
