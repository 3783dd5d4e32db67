/**
 * One simulated node's view of the shared virtual clock: while the node is paused (a CPU stall, a GC pause)
 * its timers and deliveries wait until the pause ends, as a stalled event loop's would. Like Node's event
 * loop after a stall, it then runs the timers that came due before it reads the input that arrived meanwhile,
 * and deferred callbacks (setImmediate) after that input.
 */
import type { Clock, TimerHandle } from '../swim/index.ts';
import type { VirtualClock } from './clock.ts';

interface NodeTimer {
  inner: TimerHandle;
}

/** How far behind the timers of one loop turn input and deferred callbacks run. */
const IO_TURN_MS = 0.001;

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
    return this.#schedule(callback, delayMs, 0);
  }

  clearTimeout(handle: TimerHandle): void {
    this.#clock.clearTimeout((handle as NodeTimer).inner);
  }

  defer(callback: () => void): void {
    this.#schedule(callback, 2 * IO_TURN_MS, 2 * IO_TURN_MS);
  }

  /** Input (a packet, a stream's turn) arriving in `delayMs`: read after the timers due at the same time. */
  deliver(callback: () => void, delayMs: number): void {
    this.#schedule(callback, delayMs, IO_TURN_MS);
  }

  pause(durationMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.#clock.now() + durationMs);
  }

  /** `afterResume`: where in the first loop turn after a pause the callback runs. */
  #schedule(callback: () => void, delayMs: number, afterResume: number): NodeTimer {
    const timer: NodeTimer = { inner: {} };
    const fire = (): void => {
      const now = this.#clock.now();
      if (this.pausedUntil > now)
        timer.inner = this.#clock.setTimeout(fire, this.pausedUntil - now + afterResume);
      else callback();
    };
    timer.inner = this.#clock.setTimeout(fire, delayMs);
    return timer;
  }
}
