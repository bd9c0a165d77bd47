/**
 * OKX v5 public SWAP channels from the synthetic model. `data` is always an array, numbers are
 * strings (trimmed like OKX prints them), sizes are contracts (sz × ctVal = base units, the
 * same ctVal the instruments endpoint lists). Key order copies the real frames in
 * ../shared/samples, ../shared/captures and fixtures/public-frames (books5, index-tickers);
 * funding-rate follows the docs.
 */
import { fromFloat, trimmed } from './fixed.ts';
import type { ChannelKey, EmitContext, SimChannel } from './channel.ts';
import { MATCH_LATENCY_MS, type SyntheticModel, type Venue } from './model.ts';
import type { OkxVenueSpec } from './markets.ts';

const EX = 'okx-swap';
const MARK_IDLE_MS = 10_000;

class State {
  tradeId: number;
  tradeSeq: number;
  bookSeq: number;
  markText = '';
  markAt = 0;
  fundingAt = 0;
  constructor(i: number) {
    this.tradeId = 1_200_000_000 + i * 100_000_000;
    this.tradeSeq = 30_000_000_000 + i * 1_000_000_000;
    this.bookSeq = 20_000_000_000 + i * 1_000_000_000;
  }
}

const states = new WeakMap<Venue, State>();

function px(v: Venue, units: number): string {
  return trimmed(units, v.spec.priceDp);
}

const spec = (v: Venue) => v.spec as OkxVenueSpec;

/** Base-currency amount of `contracts`, exact: contracts × ctVal. */
export function contractsToBase(v: Venue, contracts: number): string {
  const s = spec(v);
  return trimmed(contracts * s.ctValUnits, s.ctValDp);
}

const family = (v: Venue) => v.asset.market.base + '-USDT';
const push = (channel: string, instId: string, item: string) =>
  '{"arg":{"channel":"' + channel + '","instId":"' + instId + '"},"data":[' + item + ']}';

export function tickerItem(v: Venue, now: number): string {
  const open = px(v, v.open24h);
  return (
    '{"instType":"SWAP","instId":"' +
    v.spec.symbol +
    '","last":"' +
    px(v, v.last) +
    '","lastSz":"' +
    v.lastQty +
    '","askPx":"' +
    px(v, v.ask) +
    '","askSz":"' +
    v.askSizes[0] +
    '","bidPx":"' +
    px(v, v.bid) +
    '","bidSz":"' +
    v.bidSizes[0] +
    '","open24h":"' +
    open +
    '","high24h":"' +
    px(v, v.high) +
    '","low24h":"' +
    px(v, v.low) +
    '","sodUtc0":"' +
    open +
    '","sodUtc8":"' +
    open +
    '","volCcy24h":"' +
    contractsToBase(v, v.volume) +
    '","vol24h":"' +
    v.volume +
    '","ts":"' +
    now +
    '"}'
  );
}

export function openInterestItem(v: Venue, now: number): string {
  const base = contractsToBase(v, v.oi);
  return (
    '{"instId":"' +
    v.spec.symbol +
    '","instType":"SWAP","oi":"' +
    v.oi +
    '","oiCcy":"' +
    base +
    '","oiUsd":"' +
    fromFloat(Number(base) * v.markPrice(), 2) +
    '","ts":"' +
    now +
    '"}'
  );
}

function fundingItem(model: SyntheticModel, v: Venue, now: number): string {
  const next = model.nextFundingTime();
  const rate = trimmed(Math.round(v.funding * 1e16), 16);
  return (
    '{"formulaType":"noRate","fundingRate":"' +
    rate +
    '","fundingTime":"' +
    next +
    '","impactValue":"20000","instId":"' +
    v.spec.symbol +
    '","instType":"SWAP","interestRate":"0.0001","method":"current_period","maxFundingRate":"0.00375","minFundingRate":"-0.00375",' +
    '"nextFundingRate":"","nextFundingTime":"' +
    (next + 8 * 3600_000) +
    '","premium":"' +
    trimmed(Math.round(v.basis * 1e16), 16) +
    '","settFundingRate":"' +
    rate +
    '","settState":"settled","ts":"' +
    now +
    '"}'
  );
}

function books5(v: Venue): string {
  const tick = v.spec.tickUnits;
  const side = (sizes: number[], price: (i: number) => number) => {
    let s = '[';
    for (let i = 0; i < 5; i++)
      s += (i ? ',["' : '["') + px(v, price(i)) + '","' + sizes[i] + '","0","' + (1 + (sizes[i] % 9)) + '"]';
    return s + ']';
  };
  return (
    '{"asks":' + side(v.askSizes, (i) => v.ask + i * tick) + ',"bids":' + side(v.bidSizes, (i) => v.bid - i * tick)
  );
}

export function okxChannels(model: SyntheticModel): SimChannel[] {
  const channels: SimChannel[] = [];
  const venues = model.venues(EX);
  for (const v of venues) {
    const id = v.spec.symbol;
    const st = new State(v.asset.index);
    states.set(v, st);
    const k = (channel: string): ChannelKey => ({ key: `${channel}:${id}`, stream: channel, symbol: id });
    /** Channels that push their current state once right after a subscribe. */
    const initial = (build: (now: number) => string) => (_key: string, now: number) => {
      model.refresh(v);
      return build(now);
    };

    const tradesKey = `trades:${id}`;
    channels.push({
      exchange: EX,
      keys: [k('trades')],
      cadence: { weight: 3 },
      emit({ now, out, wanted }) {
        const t = model.trade(v);
        st.tradeId += t.fills;
        st.tradeSeq += 1 + model.rng.int(0, 30);
        if (!wanted(tradesKey)) return;
        out(
          tradesKey,
          push(
            'trades',
            id,
            '{"instId":"' +
              id +
              '","tradeId":"' +
              st.tradeId +
              '","px":"' +
              px(v, t.price) +
              '","sz":"' +
              t.qty +
              '","side":"' +
              t.side +
              '","ts":"' +
              (now - MATCH_LATENCY_MS) +
              '","count":"' +
              t.fills +
              '","source":"0","seqId":' +
              st.tradeSeq +
              '}',
          ),
        );
      },
    });

    // books5 pushes whole snapshots with a seqId and no prevSeqId (OKX: prevSeqId is "only
    // applicable to books, books-l2-tbt, books50-l2-tbt"), so no client can tell a lost push and
    // skip-seq has nothing to act on here. seqId jumps, as OKX's do: it counts the book's updates.
    const booksKey = `books5:${id}`;
    const booksFrame = (now: number) =>
      push('books5', id, books5(v) + ',"instId":"' + id + '","ts":"' + now + '","seqId":' + st.bookSeq + '}');
    channels.push({
      exchange: EX,
      keys: [k('books5')],
      cadence: { everyMs: 100 },
      emit({ now, out, wanted }) {
        model.bookEvent(v);
        if (!wanted(booksKey)) return;
        st.bookSeq += 1 + model.rng.int(0, 20);
        out(booksKey, booksFrame(now));
      },
      // the current book with the current seqId: what every subscriber got last
      snapshot: initial(booksFrame),
    });

    const fundingKey = `funding-rate:${id}`;
    channels.push({
      exchange: EX,
      keys: [k('funding-rate')],
      cadence: { everyMs: 1000 },
      emit({ now, out, wanted, force }) {
        // OKX pushes funding every 30 to 90 s
        if (!force && now < st.fundingAt) return;
        st.fundingAt = now + 30_000 + model.rng.int(0, 60_000);
        if (!wanted(fundingKey)) return;
        model.refresh(v);
        out(fundingKey, push('funding-rate', id, fundingItem(model, v, now)));
      },
      snapshot: initial((now) => push('funding-rate', id, fundingItem(model, v, now))),
    });

    const markKey = `mark-price:${id}`;
    const markText = () => px(v, Math.round(v.markPrice() / v.unit));
    const markFrame = (now: number, text: string) =>
      push('mark-price', id, '{"instId":"' + id + '","instType":"SWAP","markPx":"' + text + '","ts":"' + now + '"}');
    channels.push({
      exchange: EX,
      keys: [k('mark-price')],
      cadence: { everyMs: 200 },
      emit({ now, out, wanted, force }) {
        if (!wanted(markKey)) return;
        model.refresh(v);
        const text = markText();
        // every 200 ms when the mark moves, every 10 s when it does not
        if (!force && text === st.markText && now - st.markAt < MARK_IDLE_MS) return;
        st.markText = text;
        st.markAt = now;
        out(markKey, markFrame(now, text));
      },
      snapshot: initial((now) => markFrame(now, markText())),
    });

    const oiKey = `open-interest:${id}`;
    channels.push({
      exchange: EX,
      keys: [k('open-interest')],
      cadence: { everyMs: 3000 },
      emit({ now, out, wanted }) {
        if (!wanted(oiKey)) return;
        model.refresh(v);
        out(oiKey, push('open-interest', id, openInterestItem(v, now)));
      },
      snapshot: initial((now) => push('open-interest', id, openInterestItem(v, now))),
    });

    const tickersKey = `tickers:${id}`;
    channels.push({
      exchange: EX,
      keys: [k('tickers')],
      cadence: { everyMs: 500 },
      emit({ now, out, wanted }) {
        if (!wanted(tickersKey)) return;
        model.refresh(v);
        out(tickersKey, push('tickers', id, tickerItem(v, now)));
      },
      snapshot: initial((now) => push('tickers', id, tickerItem(v, now))),
    });

    const indexId = family(v);
    const indexKey = `index-tickers:${indexId}`;
    const indexFrame = (now: number) => {
      const idx = px(v, Math.round(v.asset.mid / v.unit));
      const open = px(v, v.open24h);
      return push(
        'index-tickers',
        indexId,
        '{"instId":"' +
          indexId +
          '","idxPx":"' +
          idx +
          '","open24h":"' +
          open +
          '","high24h":"' +
          px(v, v.high) +
          '","low24h":"' +
          px(v, v.low) +
          '","sodUtc0":"' +
          open +
          '","sodUtc8":"' +
          open +
          '","ts":"' +
          now +
          '"}',
      );
    };
    channels.push({
      exchange: EX,
      keys: [{ key: indexKey, stream: 'index-tickers', symbol: id }],
      cadence: { everyMs: 1000 },
      emit({ now, out, wanted }) {
        if (!wanted(indexKey)) return;
        model.refresh(v);
        out(indexKey, indexFrame(now));
      },
      snapshot: initial(indexFrame),
    });
  }

  channels.push({
    exchange: EX,
    keys: [{ key: 'liquidation-orders:SWAP', stream: 'liquidation-orders' }],
    cadence: { everyMs: 1000 },
    emit({ out, wanted, force }: EmitContext) {
      const items: string[] = [];
      for (const v of venues) {
        model.refresh(v);
        if (force && items.length === 0 && v === venues[venues.length - 1] && v.liquidations.length === 0)
          model.liquidate(v, 'sell');
        const liqs = model.takeLiquidations(v);
        if (liqs.length === 0) continue;
        const details = liqs.map(
          (l) =>
            '{"bkLoss":"0","bkPx":"' +
            px(v, l.price) +
            '","ccy":"","posSide":"' +
            (l.side === 'sell' ? 'long' : 'short') +
            '","side":"' +
            l.side +
            '","sz":"' +
            l.qty +
            '","ts":"' +
            l.t +
            '"}',
        );
        const fam = family(v);
        items.push(
          '{"details":[' +
            details.join(',') +
            '],"instFamily":"' +
            fam +
            '","instId":"' +
            v.spec.symbol +
            '","instType":"SWAP","uly":"' +
            fam +
            '"}',
        );
      }
      if (items.length && wanted('liquidation-orders:SWAP'))
        out(
          'liquidation-orders:SWAP',
          '{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[' + items.join(',') + ']}',
        );
    },
  });
  return channels;
}
