/**
 * One simulated node's view of the shared virtual clock: while the node is paused (a CPU stall, a GC pause)
 * its timers and deliveries wait until the pause ends, as a stalled event loop's would.
 */
import type { Clock, TimerHandle } from '../swim/index.ts';
import type { VirtualClock } from './clock.ts';

interface NodeTimer {
  inner: TimerHandle;
}

export class NodeClock implements Clock {
  readonly #clock: VirtualClock;
  pausedUntil = 0;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: NodeTimer = { inner: {} };
    const fire = (): void => {
      const now = this.#clock.now();
      if (this.pausedUntil > now) timer.inner = this.#clock.setTimeout(fire, this.pausedUntil - now);
      else callback();
    };
    timer.inner = this.#clock.setTimeout(fire, delayMs);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#clock.clearTimeout((handle as NodeTimer).inner);
  }

  pause(durationMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.#clock.now() + durationMs);
  }
}
