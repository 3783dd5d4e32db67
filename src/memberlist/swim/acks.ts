/**
 * Outstanding pings by sequence number: what to do on their ack, nacks, and when they time out. A timeout is
 * decided one I/O turn after its timer fired (Clock.defer), so an ack that arrived while the event loop
 * stalled is read first, and the timeout learns how late its timer fired (the local node's own stall).
 */
import type { Clock, TimerHandle } from './types.ts';

export interface AckCallbacks {
  readonly ack: () => void;
  readonly nack?: () => void;
  /** `lateMs`: how much later than armed the timer fired. */
  readonly timeout: (lateMs: number) => void;
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
    const dueAt = this.#clock.now() + timeoutMs;
    const timer = this.#clock.setTimeout(() => {
      const lateMs = Math.max(0, this.#clock.now() - dueAt);
      this.#clock.defer(() => {
        if (this.#pending.get(seqNo)?.timer !== timer) return;
        this.#pending.delete(seqNo);
        callbacks.timeout(lateMs);
      });
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
