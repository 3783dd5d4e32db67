import type { Clock, Timer } from '../../../src/dataplane/index.ts';

/** A data-plane Clock that moves only when told; due timers fire in time order (ties: first set first). */
export class ManualClock implements Clock {
  time = 0;
  #timers: { at: number; seq: number; fn: () => void; unref: () => undefined }[] = [];
  #seq = 0;

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.length;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.time + Math.max(0, ms), seq: this.#seq++, fn, unref: () => undefined };
    this.#timers.push(timer);
    return timer;
  }

  clearTimeout(timer: Timer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
  }

  /** Runs every timer due up to now + ms, moving the time to each. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined || next.at > end) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}
