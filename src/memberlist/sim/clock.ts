/**
 * Virtual time: timers in a binary heap, run in order as time is advanced, so minutes of protocol run in
 * milliseconds. Promise continuations are drained between timers when something asked for it.
 */
import type { Clock, TimerHandle } from '../swim/index.ts';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

const earlier = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.order < b.order);

export class VirtualClock implements Clock {
  #now = 0;
  #order = 0;
  #heap: Timer[] = [];
  #microtasksPending = false;

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: Timer = {
      at: this.#now + Math.max(0, delayMs),
      order: this.#order++,
      callback,
      cancelled: false,
    };
    this.#push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as Timer).cancelled = true;
  }

  /** After everything already due now. */
  defer(callback: () => void): void {
    this.setTimeout(callback, 0);
  }

  /** Tells the clock a promise was settled: its continuations run before the next timer. */
  expectMicrotasks(): void {
    this.#microtasksPending = true;
  }

  /** Advances time by `durationMs`, running every timer due on the way. */
  async advance(durationMs: number): Promise<void> {
    const end = this.#now + durationMs;
    for (;;) {
      if (this.#microtasksPending) {
        this.#microtasksPending = false;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const next = this.#heap[0];
      if (next === undefined || next.at > end) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#now = next.at;
      next.callback();
    }
    this.#now = end;
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(timer, heap[parent] as Timer)) break;
      heap[index] = heap[parent] as Timer;
      index = parent;
    }
    heap[index] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop() as Timer;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right] as Timer, heap[left] as Timer) ? right : left;
      if (!earlier(heap[child] as Timer, last)) break;
      heap[index] = heap[child] as Timer;
      index = child;
    }
    heap[index] = last;
  }
}
