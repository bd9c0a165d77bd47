/**
 * Bybit v5 linear public topics from the synthetic model. Envelopes and key order copy the real
 * 2025/2026 frames in ../shared/samples: tickers (snapshot, then deltas carrying only changed
 * keys, cross sequence `cs` increasing), publicTrade, allLiquidation, orderbook.1 (snapshot-only,
 * re-sent with the same `u` after 3 s without change) and orderbook.50 (snapshot, then deltas
 * with `u` = previous + 1).
 */
import { fromFloat, trimmed } from './fixed.ts';
import { priceText, qtyText } from './venue-text.ts';
import type { ChannelKey, SimChannel } from './channel.ts';
import { BOOK_LEVELS, MATCH_LATENCY_MS, type SyntheticModel, type Venue } from './model.ts';

const EX = 'bybit-linear';
const OB1_REPEAT_MS = 3000;

export const TICKER_KEYS = [
  'symbol',
  'tickDirection',
  'price24hPcnt',
  'lastPrice',
  'prevPrice24h',
  'highPrice24h',
  'lowPrice24h',
  'prevPrice1h',
  'markPrice',
  'indexPrice',
  'openInterest',
  'openInterestValue',
  'turnover24h',
  'volume24h',
  'fundingIntervalHour',
  'fundingCap',
  'singleOpenInterest',
  'singleOpenInterestValue',
  'nextFundingTime',
  'fundingRate',
  'bid1Price',
  'bid1Size',
  'ask1Price',
  'ask1Size',
  'preOpenPrice',
  'preQty',
  'curPreListingPhase',
] as const;
export type TickerKey = (typeof TICKER_KEYS)[number];

/** Per-symbol protocol state: cross sequence, book update ids, what subscribers last saw. */
class State {
  cs: number;
  tickDirection = 'ZeroPlusTick';
  lastTradePrice = 0;
  ob1U: number;
  ob1Top = '';
  ob1At = 0;
  ob50U: number;
  /** The orderbook.50 book as subscribers know it: best prices and sizes per one-tick level. */
  ob50: KnownBook | null = null;
  /** Ticker values as subscribers know them, in TICKER_KEYS order. */
  ticker: string[] | null = null;
  /** Trade ids are UUID-shaped: a random head per symbol and a counting tail (unique, cheap). */
  idHead = '';
  idTail = 0;
  constructor(i: number) {
    this.cs = 700_000_000_000 + i * 90_000_000_000;
    this.ob1U = 20_000_000 + i * 1_000_000;
    this.ob50U = 40_000_000 + i * 1_000_000;
  }
}

const states = new WeakMap<Venue, State>();

const px = priceText;
const qty = qtyText;

/** Current ticker values in TICKER_KEYS order (all strings, as Bybit sends them). */
export function tickerValues(model: SyntheticModel, v: Venue): string[] {
  model.refresh(v);
  const st = states.get(v)!;
  const mark = v.markPrice();
  const oiBase = v.oi * v.basePerQty;
  const half = Math.round(v.oi / 2);
  return [
    v.spec.symbol,
    st.tickDirection,
    fromFloat((v.last - v.open24h) / v.open24h, 6),
    px(v, v.last),
    px(v, v.open24h),
    px(v, v.high),
    px(v, v.low),
    px(v, v.open24h),
    px(v, Math.round(mark / v.unit)),
    px(v, Math.round(v.asset.mid / v.unit)),
    qty(v, v.oi),
    fromFloat(oiBase * mark, 2),
    fromFloat(v.quoteVolume, 4),
    qty(v, v.volume),
    '8',
    '0.005',
    qty(v, half),
    fromFloat(half * v.basePerQty * mark, 2),
    String(model.nextFundingTime()),
    trimmed(Math.round(v.funding * 1e6), 6),
    px(v, v.bid),
    qty(v, v.bidSizes[0]),
    px(v, v.ask),
    qty(v, v.askSizes[0]),
    '',
    '',
    '',
  ];
}

function objectText(keys: readonly string[], values: readonly string[], pick: (i: number) => boolean): string {
  let s = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    if (!pick(i)) continue;
    s += (first ? '"' : ',"') + keys[i] + '":"' + values[i] + '"';
    first = false;
  }
  return s + '}';
}

/** A book side by levels one tick apart from `best` (bids go down, asks go up). */
interface KnownBook {
  bid: number;
  ask: number;
  bidSizes: number[];
  askSizes: number[];
}

function known(v: Venue): KnownBook {
  return { bid: v.bid, ask: v.ask, bidSizes: v.bidSizes.slice(), askSizes: v.askSizes.slice() };
}

function bookSide(v: Venue, best: number, sizes: number[], dir: 1 | -1): string {
  const tick = v.spec.tickUnits;
  let s = '[';
  for (let i = 0; i < sizes.length; i++)
    s += (i ? ',["' : '["') + px(v, best + dir * i * tick) + '","' + qty(v, sizes[i]) + '"]';
  return s + ']';
}

/**
 * Levels that differ between what subscribers know (`oldBest`/`oldSizes`) and the venue now;
 * size "0" deletes a level that left the top 50. Levels are one tick apart, so both sides are
 * index arithmetic, no maps.
 */
function diffSide(
  v: Venue,
  oldBest: number,
  oldSizes: number[],
  best: number,
  sizes: number[],
  dir: 1 | -1,
  out: string[],
): void {
  const tick = v.spec.tickUnits;
  const shift = ((best - oldBest) / tick) * dir;
  for (let i = 0; i < BOOK_LEVELS; i++) {
    const j = i + shift;
    if (j < 0 || j >= BOOK_LEVELS || oldSizes[j] !== sizes[i])
      out.push('["' + px(v, best + dir * i * tick) + '","' + qty(v, sizes[i]) + '"]');
  }
  for (let j = 0; j < BOOK_LEVELS; j++) {
    const i = j - shift;
    if (i < 0 || i >= BOOK_LEVELS) out.push('["' + px(v, oldBest + dir * j * tick) + '","0"]');
  }
}

export function bybitChannels(model: SyntheticModel): SimChannel[] {
  const channels: SimChannel[] = [];
  for (const v of model.venues(EX)) {
    const S = v.spec.symbol;
    const st = new State(v.asset.index);
    const h = model.rng.hex32();
    st.idHead = h.slice(0, 8) + '-' + h.slice(8, 12) + '-5' + h.slice(13, 16) + '-' + h.slice(16, 20) + '-';
    st.idTail = model.rng.int(0, 2 ** 40);
    states.set(v, st);
    const bump = () => (st.cs += 1 + model.rng.int(0, 60));
    const k = (stream: string): ChannelKey => ({ key: `${stream}.${S}`, stream, symbol: S });

    const tradeKey = `publicTrade.${S}`;
    channels.push({
      exchange: EX,
      keys: [k('publicTrade')],
      cadence: { weight: 3 },
      emit({ now, out, wanted }) {
        const n = 1 + (model.rng.next() < 0.3 ? model.rng.int(1, 2) : 0);
        const seq = bump();
        const T = now - MATCH_LATENCY_MS;
        let data = '';
        for (let i = 0; i < n; i++) {
          const t = model.trade(v);
          st.tickDirection =
            t.price > st.lastTradePrice
              ? 'PlusTick'
              : t.price < st.lastTradePrice
                ? 'MinusTick'
                : st.tickDirection.endsWith('PlusTick')
                  ? 'ZeroPlusTick'
                  : 'ZeroMinusTick';
          st.lastTradePrice = t.price;
          if (!wanted(tradeKey)) continue;
          const id = st.idHead + (st.idTail++).toString(16).padStart(12, '0');
          data +=
            (i ? ',{"T":' : '{"T":') +
            T +
            ',"s":"' +
            S +
            '","S":"' +
            (t.side === 'buy' ? 'Buy' : 'Sell') +
            '","v":"' +
            qty(v, t.qty) +
            '","p":"' +
            px(v, t.price) +
            '","L":"' +
            st.tickDirection +
            '","i":"' +
            id +
            '","BT":false,"RPI":false,"seq":' +
            seq +
            '}';
        }
        if (data)
          out(tradeKey, '{"topic":"' + tradeKey + '","type":"snapshot","ts":' + now + ',"data":[' + data + ']}');
      },
    });

    const tickerKey = `tickers.${S}`;
    const tickerFrame = (type: string, data: string, now: number) =>
      '{"topic":"' + tickerKey + '","type":"' + type + '","data":' + data + ',"cs":' + st.cs + ',"ts":' + now + '}';
    channels.push({
      exchange: EX,
      keys: [k('tickers')],
      cadence: { everyMs: 100 },
      emit({ now, out, wanted }) {
        if (!wanted(tickerKey) || !st.ticker) return;
        const cur = tickerValues(model, v);
        const known = st.ticker;
        let changed = false;
        for (let i = 1; i < cur.length; i++) if (cur[i] !== known[i]) changed = true;
        if (!changed) return;
        bump();
        st.ticker = cur;
        out(
          tickerKey,
          tickerFrame(
            'delta',
            objectText(TICKER_KEYS, cur, (i) => i === 0 || cur[i] !== known[i]),
            now,
          ),
        );
      },
      snapshot(_key, now) {
        // a late subscriber gets the values the others know, so the next delta serves everyone
        if (!st.ticker) {
          st.ticker = tickerValues(model, v);
          bump();
        }
        const known = st.ticker;
        return tickerFrame(
          'snapshot',
          objectText(TICKER_KEYS, known, () => true),
          now,
        );
      },
    });

    const ob1Key = `orderbook.1.${S}`;
    const ob1Frame = (now: number) =>
      '{"topic":"' +
      ob1Key +
      '","type":"snapshot","ts":' +
      now +
      ',"data":{"s":"' +
      S +
      '","b":[["' +
      px(v, v.bid) +
      '","' +
      qty(v, v.bidSizes[0]) +
      '"]],"a":[["' +
      px(v, v.ask) +
      '","' +
      qty(v, v.askSizes[0]) +
      '"]],"u":' +
      st.ob1U +
      ',"seq":' +
      st.cs +
      '},"cts":' +
      (now - MATCH_LATENCY_MS) +
      '}';
    /** Bump `u` when the top changed since subscribers last saw it. */
    const ob1Sync = () => {
      const top = v.bid + ':' + v.bidSizes[0] + ':' + v.ask + ':' + v.askSizes[0];
      if (top === st.ob1Top) return false;
      st.ob1Top = top;
      st.ob1U++;
      bump();
      return true;
    };
    channels.push({
      exchange: EX,
      keys: [k('orderbook.1')],
      cadence: { weight: 2 },
      emit({ now, out, wanted }) {
        model.bookEvent(v);
        if (!wanted(ob1Key)) return;
        if (ob1Sync() || now - st.ob1At >= OB1_REPEAT_MS) {
          st.ob1At = now;
          out(ob1Key, ob1Frame(now));
        }
      },
      snapshot(_key, now) {
        model.refresh(v);
        // a changed top goes to everyone on the next emission, not only to the newcomer
        if (ob1Sync()) st.ob1At = 0;
        return ob1Frame(now);
      },
    });

    const ob50Key = `orderbook.50.${S}`;
    const ob50Frame = (type: string, b: string, a: string, now: number, seq: number) =>
      '{"topic":"' +
      ob50Key +
      '","type":"' +
      type +
      '","ts":' +
      now +
      ',"data":{"s":"' +
      S +
      '","b":' +
      b +
      ',"a":' +
      a +
      ',"u":' +
      st.ob50U +
      ',"seq":' +
      seq +
      '},"cts":' +
      (now - MATCH_LATENCY_MS) +
      '}';
    channels.push({
      exchange: EX,
      keys: [k('orderbook.50')],
      cadence: { weight: 2 },
      emit({ now, out, wanted, skip }) {
        model.bookEvent(v);
        const old = st.ob50;
        if (!wanted(ob50Key) || !old) return;
        const db: string[] = [];
        const da: string[] = [];
        diffSide(v, old.bid, old.bidSizes, v.bid, v.bidSizes, -1, db);
        diffSide(v, old.ask, old.askSizes, v.ask, v.askSizes, 1, da);
        if (db.length === 0 && da.length === 0) return;
        st.ob50 = known(v);
        if (skip(ob50Key)) st.ob50U++;
        st.ob50U++;
        out(ob50Key, ob50Frame('delta', '[' + db.join(',') + ']', '[' + da.join(',') + ']', now, bump()));
      },
      snapshot(_key, now) {
        // a late subscriber gets the book that the others know, so everyone's deltas stay valid
        if (!st.ob50) {
          model.refresh(v);
          st.ob50 = known(v);
          st.ob50U++;
        }
        const b = st.ob50;
        return ob50Frame('snapshot', bookSide(v, b.bid, b.bidSizes, -1), bookSide(v, b.ask, b.askSizes, 1), now, st.cs);
      },
    });

    const liqKey = `allLiquidation.${S}`;
    channels.push({
      exchange: EX,
      keys: [k('allLiquidation')],
      cadence: { everyMs: 500 },
      emit({ now, out, wanted, force }) {
        model.refresh(v);
        if (force && v.liquidations.length === 0) model.liquidate(v, model.rng.next() < 0.5 ? 'sell' : 'buy');
        const liqs = model.takeLiquidations(v);
        if (liqs.length === 0 || !wanted(liqKey)) return;
        // Bybit's S is the side of the liquidated position: a sell order closes a long ("Buy")
        const data = liqs.map(
          (l) =>
            '{"T":' +
            l.t +
            ',"s":"' +
            S +
            '","S":"' +
            (l.side === 'sell' ? 'Buy' : 'Sell') +
            '","v":"' +
            qty(v, l.qty) +
            '","p":"' +
            px(v, l.price) +
            '"}',
        );
        out(liqKey, '{"topic":"' + liqKey + '","type":"snapshot","ts":' + now + ',"data":[' + data.join(',') + ']}');
      },
    });
  }
  return channels;
}
