/**
 * Holds an interval of lost data until the next event arrives, then emits the gap right
 * before it, so that the gap row and the first row after recovery share one transaction.
 */
import { gapEvent, type ExchangeId, type GapCause, type MarketEvent } from '../../core/events.ts';

export class GapGate {
  private open: { start_ts: number; cause: GapCause } | null = null;

  constructor(
    private readonly exchange: ExchangeId,
    private readonly stream: string,
    private readonly sink: (event: MarketEvent, stream: string) => void,
    private readonly onGap: (cause: GapCause) => void = () => {},
  ) {}

  /** Data stopped at `start_ts`; the earliest start wins if a gap is already open. */
  arm(start_ts: number, cause: GapCause): void {
    if (!this.open) this.open = { start_ts, cause };
  }

  get armed(): boolean {
    return this.open !== null;
  }

  pass(event: MarketEvent): void {
    if (this.open && event.kind !== 'gap') {
      const { start_ts, cause } = this.open;
      this.open = null;
      this.onGap(cause);
      this.sink(
        gapEvent({ exchange: this.exchange, stream: this.stream, start_ts, end_ts: event.local_ts, cause }),
        this.stream,
      );
    }
    if (event.kind === 'gap') this.onGap(event.cause);
    this.sink(event, this.stream);
  }
}
