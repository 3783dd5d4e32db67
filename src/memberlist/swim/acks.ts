/** Outstanding pings by sequence number: what to do on their ack, nacks, and when they time out. */
import type { Clock, TimerHandle } from './types.ts';

export interface AckCallbacks {
  readonly ack: () => void;
  readonly nack?: () => void;
  readonly timeout: () => void;
}

interface Pending extends AckCallbacks {
  readonly timer: TimerHandle;
}

export class AckTable {
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The next sequence number (u32, wrapping). */
  nextSeq(): number {
    this.#seq = (this.#seq + 1) >>> 0;
    return this.#seq;
  }

  expect(seqNo: number, timeoutMs: number, callbacks: AckCallbacks): void {
    const timer = this.#clock.setTimeout(() => {
      this.#pending.delete(seqNo);
      callbacks.timeout();
    }, timeoutMs);
    this.#pending.set(seqNo, { ...callbacks, timer });
  }

  /** Acks for unknown or expired sequence numbers are ignored, as late acks are. */
  ack(seqNo: number): void {
    const pending = this.#pending.get(seqNo);
    if (pending === undefined) return;
    this.#pending.delete(seqNo);
    this.#clock.clearTimeout(pending.timer);
    pending.ack();
  }

  nack(seqNo: number): void {
    this.#pending.get(seqNo)?.nack?.();
  }

  clear(): void {
    for (const pending of this.#pending.values()) this.#clock.clearTimeout(pending.timer);
    this.#pending.clear();
  }
}
