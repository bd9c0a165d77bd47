/**
 * Binance USDⓈ-M stream payloads from the synthetic model. Key order copies the real frames in
 * ../shared/samples (aggTrade, bookTicker, depthUpdate, markPriceUpdate, forceOrder) plus the
 * fields Binance added since (`nq`); 24hrTicker follows the docs. Payloads are raw: the
 * connection adds the combined-stream envelope when the client asked for it.
 */
import { fromFloat } from './fixed.ts';
import { eightDecimals, priceText, qtyText } from './venue-text.ts';
import type { ChannelKey, SimChannel } from './channel.ts';
import { MATCH_LATENCY_MS, type SyntheticModel, type Venue } from './model.ts';

const EX = 'binance-usdm';
const DEPTHS = [5, 10, 20] as const;

/** Per-symbol sequence state: aggregate/trade ids and the order-book update id chain. */
class Ids {
  aggId: number;
  tradeId: number;
  updateId: number;
  /** Last `u` sent on the depth streams (next frame's `pu`). */
  depthU: number;
  constructor(seed: number) {
    this.aggId = 2_000_000_000 + seed * 1000;
    this.tradeId = 5_000_000_000 + seed * 3000;
    this.updateId = 8_000_000_000_000 + seed * 100_000;
    this.depthU = this.updateId;
  }
  bump(model: SyntheticModel): number {
    return (this.updateId += 1 + model.rng.int(0, 40));
  }
}

const idsOf = new WeakMap<Venue, Ids>();

/** Last aggregate trade id sent for a venue (REST 24 h ticker `lastId`). */
export function lastAggId(v: Venue): number {
  return idsOf.get(v)?.aggId ?? 0;
}

const p8 = eightDecimals;
const px = priceText;
const qty = qtyText;

function levels(v: Venue, side: 'b' | 'a', n: number): string {
  const tick = v.spec.tickUnits;
  const sizes = side === 'b' ? v.bidSizes : v.askSizes;
  let s = '[';
  for (let i = 0; i < n; i++) {
    const price = side === 'b' ? v.bid - i * tick : v.ask + i * tick;
    s += (i ? ',["' : '["') + px(v, price) + '","' + qty(v, sizes[i]) + '"]';
  }
  return s + ']';
}

export function markPricePayload(model: SyntheticModel, v: Venue, now: number): string {
  model.refresh(v);
  const mark = v.markPrice();
  const index = v.asset.mid;
  return (
    '{"e":"markPriceUpdate","E":' +
    now +
    ',"s":"' +
    v.spec.symbol +
    '","p":"' +
    p8(mark) +
    '","P":"' +
    p8(index * (1 + v.basis / 4)) +
    '","i":"' +
    p8(index) +
    '","r":"' +
    p8(v.funding) +
    '","T":' +
    model.nextFundingTime() +
    '}'
  );
}

export function binanceChannels(model: SyntheticModel): SimChannel[] {
  const channels: SimChannel[] = [];
  const venues = model.venues(EX);
  for (const v of venues) {
    const s = v.spec.symbol.toLowerCase();
    const ids = new Ids(v.asset.index + 1);
    idsOf.set(v, ids);
    const sym = '"s":"' + v.spec.symbol + '"';
    const k = (stream: string): ChannelKey => ({ key: `${s}@${stream}`, stream, symbol: v.spec.symbol });

    const aggKey = `${s}@aggTrade`;
    channels.push({
      exchange: EX,
      keys: [k('aggTrade')],
      cadence: { weight: 3 },
      emit({ now, out, wanted, skip }) {
        const t = model.trade(v);
        ids.bump(model);
        const want = wanted(aggKey);
        if (want && skip(aggKey)) ids.aggId++;
        const a = ++ids.aggId;
        const f = ids.tradeId + 1;
        ids.tradeId += t.fills;
        if (!want) return;
        const q = qty(v, t.qty);
        out(
          aggKey,
          '{"e":"aggTrade","E":' +
            now +
            ',"a":' +
            a +
            ',' +
            sym +
            ',"p":"' +
            px(v, t.price) +
            '","q":"' +
            q +
            '","nq":"' +
            q +
            '","f":' +
            f +
            ',"l":' +
            ids.tradeId +
            ',"T":' +
            (now - MATCH_LATENCY_MS) +
            ',"m":' +
            (t.side === 'sell') +
            '}',
        );
      },
    });

    const btKey = `${s}@bookTicker`;
    channels.push({
      exchange: EX,
      keys: [k('bookTicker')],
      cadence: { weight: 4 },
      emit({ now, out, wanted }) {
        model.bookEvent(v);
        const u = ids.bump(model);
        if (!wanted(btKey)) return;
        out(
          btKey,
          '{"e":"bookTicker","u":' +
            u +
            ',' +
            sym +
            ',"b":"' +
            px(v, v.bid) +
            '","B":"' +
            qty(v, v.bidSizes[0]) +
            '","a":"' +
            px(v, v.ask) +
            '","A":"' +
            qty(v, v.askSizes[0]) +
            '","T":' +
            (now - MATCH_LATENCY_MS) +
            ',"E":' +
            now +
            '}',
        );
      },
    });

    const depthKeys = DEPTHS.map((n) => k(`depth${n}@100ms`));
    channels.push({
      exchange: EX,
      keys: depthKeys,
      cadence: { everyMs: 100 },
      emit({ now, out, wanted, skip }) {
        model.bookEvent(v);
        ids.bump(model);
        const want = depthKeys.find((d) => wanted(d.key));
        if (!want) return;
        // a skipped number: a phantom update range that no client receives, so `pu` breaks
        if (skip(want.key)) {
          ids.depthU = ids.updateId;
          ids.bump(model);
        }
        const pu = ids.depthU;
        const U = pu + 1;
        const u = ids.updateId;
        ids.depthU = u;
        const head =
          '{"e":"depthUpdate","E":' +
          now +
          ',"T":' +
          (now - MATCH_LATENCY_MS) +
          ',' +
          sym +
          ',"U":' +
          U +
          ',"u":' +
          u +
          ',"pu":' +
          pu;
        DEPTHS.forEach((n, i) => {
          const key = depthKeys[i].key;
          if (wanted(key)) out(key, head + ',"b":' + levels(v, 'b', n) + ',"a":' + levels(v, 'a', n) + '}');
        });
      },
    });

    const mp1 = `${s}@markPrice@1s`;
    const mp3 = `${s}@markPrice`;
    let ticks = 0;
    channels.push({
      exchange: EX,
      keys: [k('markPrice@1s'), k('markPrice')],
      cadence: { everyMs: 1000 },
      emit({ now, out, wanted }) {
        // the plain stream updates every 3 s, the @1s one every second
        const every3 = ticks++ % 3 === 0;
        if (!wanted(mp1) && !(every3 && wanted(mp3))) return;
        const text = markPricePayload(model, v, now);
        if (wanted(mp1)) out(mp1, text);
        if (every3 && wanted(mp3)) out(mp3, text);
      },
    });

    const foKey = `${s}@forceOrder`;
    channels.push({
      exchange: EX,
      keys: [k('forceOrder'), { key: '!forceOrder@arr', stream: '!forceOrder@arr' }],
      cadence: { everyMs: 1000 },
      emit({ now, out, wanted, force }) {
        model.refresh(v);
        if (force && v.liquidations.length === 0) model.liquidate(v, model.rng.next() < 0.5 ? 'sell' : 'buy');
        const liqs = model.takeLiquidations(v);
        // Binance pushes only the latest liquidation per symbol per second: a sample, not all
        const l = liqs[liqs.length - 1];
        if (!l) return;
        const tick = v.spec.tickUnits;
        const ap = l.side === 'sell' ? l.price + tick : l.price - tick;
        const q = qty(v, l.qty);
        const text =
          '{"e":"forceOrder","E":' +
          now +
          ',"o":{' +
          sym +
          ',"S":"' +
          (l.side === 'sell' ? 'SELL' : 'BUY') +
          '","o":"LIMIT","f":"IOC","q":"' +
          q +
          '","p":"' +
          px(v, l.price) +
          '","ap":"' +
          px(v, ap) +
          '","X":"FILLED","l":"' +
          q +
          '","z":"' +
          q +
          '","T":' +
          l.t +
          '}}';
        if (wanted(foKey)) out(foKey, text);
        if (wanted('!forceOrder@arr')) out('!forceOrder@arr', text);
      },
    });

    const tkKey = `${s}@ticker`;
    channels.push({
      exchange: EX,
      keys: [k('ticker')],
      cadence: { everyMs: 1000 },
      emit({ now, out, wanted }) {
        if (!wanted(tkKey)) return;
        model.refresh(v);
        out(tkKey, ticker24h(v, now, ids.aggId));
      },
    });
  }

  let arrTicks = 0;
  channels.push({
    exchange: EX,
    keys: [
      { key: '!markPrice@arr@1s', stream: '!markPrice@arr@1s' },
      { key: '!markPrice@arr', stream: '!markPrice@arr' },
    ],
    cadence: { everyMs: 1000 },
    emit({ now, out, wanted }) {
      const every3 = arrTicks++ % 3 === 0;
      const w1 = wanted('!markPrice@arr@1s');
      const w3 = every3 && wanted('!markPrice@arr');
      if (!w1 && !w3) return;
      const text = '[' + venues.map((v) => markPricePayload(model, v, now)).join(',') + ']';
      if (w1) out('!markPrice@arr@1s', text);
      if (w3) out('!markPrice@arr', text);
    },
  });
  return channels;
}

/** 24 h rolling statistics as the `@ticker` stream sends them (docs key order). */
function ticker24h(v: Venue, now: number, lastId: number): string {
  const t = tickerStats(v, lastId);
  return (
    '{"e":"24hrTicker","E":' +
    now +
    ',"s":"' +
    v.spec.symbol +
    '","p":"' +
    t.change +
    '","P":"' +
    t.pct +
    '","w":"' +
    t.wavg +
    '","c":"' +
    t.last +
    '","Q":"' +
    t.lastQty +
    '","o":"' +
    t.open +
    '","h":"' +
    t.high +
    '","l":"' +
    t.low +
    '","v":"' +
    t.volume +
    '","q":"' +
    t.quoteVolume +
    '","O":' +
    (now - 86_400_000) +
    ',"C":' +
    now +
    ',"F":' +
    t.firstId +
    ',"L":' +
    lastId +
    ',"n":' +
    t.count +
    '}'
  );
}

/** The 24 h statistics shared by the `@ticker` stream and REST `/fapi/v1/ticker/24hr`. */
export function tickerStats(v: Venue, lastId: number) {
  const change = v.last - v.open24h;
  const wavg = v.volume ? v.quoteVolume / (v.volume * v.basePerQty) : v.last * v.unit;
  return {
    change: px(v, change),
    pct: fromFloat((change / v.open24h) * 100, 3),
    wavg: fromFloat(wavg, v.spec.priceDp),
    last: px(v, v.last),
    lastQty: qty(v, v.lastQty),
    open: px(v, v.open24h),
    high: px(v, v.high),
    low: px(v, v.low),
    volume: qty(v, v.volume),
    quoteVolume: fromFloat(v.quoteVolume, 2),
    firstId: Math.max(0, lastId - v.tradeCount + 1),
    count: v.tradeCount,
  };
}
