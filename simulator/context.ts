/**
 * What every connection and route of the simulator shares: limits, the hub, the source, the
 * fault state, counters, clock and logger.
 */
import { EXCHANGES, type ExchangeId } from '../core/events.ts';
import type { Clock, Logger } from '../core/log.ts';
import type { Hub } from './hub.ts';
import type { SimulatorLimits } from './options.ts';
import type { FrameSource } from './source.ts';

export interface ExchangeCounters {
  connectionsOpened: number;
  connectionsRefused: number;
  framesSent: number;
  bytesSent: number;
  /** Frames not sent because the exchange was stalled. */
  framesStalled: number;
  /** Connections cut for not reading fast enough. */
  slowConsumersCut: number;
  restRequests: number;
  restErrors: number;
}

export interface RestFault {
  status: 429 | 418;
  remaining: number;
  retryAfter: number;
}

/** Fault switches that stay on for a while (stall, REST errors). */
export class FaultState {
  private readonly stalledUntil = new Map<ExchangeId, number>();
  private readonly rest = new Map<ExchangeId, RestFault>();

  stall(exchange: ExchangeId, until: number): void {
    this.stalledUntil.set(exchange, until);
  }
  stalled(exchange: ExchangeId, now: number): boolean {
    const until = this.stalledUntil.get(exchange);
    return until !== undefined && now < until;
  }
  stalledUntilOf(exchange: ExchangeId): number | null {
    return this.stalledUntil.get(exchange) ?? null;
  }
  failRest(exchange: ExchangeId, fault: RestFault): void {
    this.rest.set(exchange, fault);
  }
  /** The REST error to answer this request with, if a rest-429/418 fault is armed. */
  takeRestFault(exchange: ExchangeId): RestFault | null {
    const f = this.rest.get(exchange);
    if (!f) return null;
    if (--f.remaining <= 0) this.rest.delete(exchange);
    return f;
  }
  restFaultOf(exchange: ExchangeId): RestFault | null {
    return this.rest.get(exchange) ?? null;
  }
  clear(exchange: ExchangeId): void {
    this.stalledUntil.delete(exchange);
    this.rest.delete(exchange);
  }
}

export interface ServerContext {
  readonly limits: SimulatorLimits;
  readonly hub: Hub;
  readonly source: FrameSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly faults: FaultState;
  readonly counters: Record<ExchangeId, ExchangeCounters>;
}

export function newCounters(): Record<ExchangeId, ExchangeCounters> {
  const out = {} as Record<ExchangeId, ExchangeCounters>;
  for (const ex of EXCHANGES)
    out[ex] = {
      connectionsOpened: 0,
      connectionsRefused: 0,
      framesSent: 0,
      bytesSent: 0,
      framesStalled: 0,
      slowConsumersCut: 0,
      restRequests: 0,
      restErrors: 0,
    };
  return out;
}
