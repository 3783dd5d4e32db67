/** Timers that a stopped node cancels all at once: one-shot and periodic (with memberlist's random stagger). */
import type { Clock, Random, TimerHandle } from './types.ts';

export class Loops {
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #handles = new Set<TimerHandle>();

  constructor(clock: Clock, random: Random) {
    this.#clock = clock;
    this.#random = random;
  }

  once(callback: () => void, delayMs: number): void {
    const handle = this.#clock.setTimeout(() => {
      this.#handles.delete(handle);
      callback();
    }, delayMs);
    this.#handles.add(handle);
  }

  /** Runs `callback` every `intervalMs` after a random first delay within one interval; 0 disables it. */
  every(intervalMs: number, callback: () => void): void {
    if (intervalMs <= 0) return;
    const tick = (): void => {
      callback();
      this.once(tick, intervalMs);
    };
    this.once(tick, this.#random() * intervalMs);
  }

  stop(): void {
    for (const handle of this.#handles) this.#clock.clearTimeout(handle);
    this.#handles.clear();
  }
}
