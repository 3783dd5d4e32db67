/**
 * Lifeguard's suspicion timer: it starts at the maximum timeout and each confirmation from a distinct node
 * shortens it toward the minimum, so a node many peers fail to reach is declared dead sooner while a lone
 * accusation leaves the accused the longest time to refute.
 */
import type { Clock, TimerHandle } from './types.ts';

/** The inputs of memberlist's suspicion formula. */
export interface SuspicionTiming {
  /** The probe interval the formula multiplies (not scaled by awareness). */
  readonly probeIntervalMs: number;
  readonly suspicionMult: number;
  readonly suspicionMaxTimeoutMult: number;
  /** Lifeguard's k: confirmations expected before the timeout reaches its minimum (memberlist: mult - 2). */
  readonly suspicionConfirmations: number;
}

export interface SuspicionBounds {
  readonly minMs: number;
  readonly maxMs: number;
  readonly confirmations: number;
}

/** min = mult x max(1, log10 n) x interval, max = maxMult x min; k = 0 when fewer than k others could confirm. */
export function suspicionBounds(timing: SuspicionTiming, clusterSize: number): SuspicionBounds {
  const minMs =
    timing.suspicionMult * Math.max(1, Math.log10(Math.max(1, clusterSize))) * timing.probeIntervalMs;
  const confirmations = clusterSize - 2 < timing.suspicionConfirmations ? 0 : timing.suspicionConfirmations;
  return { minMs, maxMs: timing.suspicionMaxTimeoutMult * minMs, confirmations };
}

/** The total timeout after `confirmed` confirmations: max - ln(c+1)/ln(k+1) x (max - min), floored at min. */
export function suspicionTimeout(bounds: SuspicionBounds, confirmed: number): number {
  if (bounds.confirmations < 1) return bounds.minMs;
  const fraction = Math.log(confirmed + 1) / Math.log(bounds.confirmations + 1);
  return Math.max(bounds.minMs, Math.floor(bounds.maxMs - fraction * (bounds.maxMs - bounds.minMs)));
}

/** A running suspicion of one member; calls `onTimeout` once when it expires. */
export class Suspicion {
  readonly #clock: Clock;
  readonly #bounds: SuspicionBounds;
  readonly #onTimeout: () => void;
  readonly #start: number;
  readonly #confirmedBy = new Set<string>();
  #timer: TimerHandle | null = null;

  /** `from` is the accuser: its own later suspicions do not count as confirmations. */
  constructor(clock: Clock, bounds: SuspicionBounds, from: string, onTimeout: () => void) {
    this.#clock = clock;
    this.#bounds = bounds;
    this.#onTimeout = onTimeout;
    this.#start = clock.now();
    this.#confirmedBy.add(from);
    this.#arm(suspicionTimeout(bounds, 0));
  }

  /** Counts a confirmation from a new node; true when it counted (then it is worth gossiping on). */
  confirm(from: string): boolean {
    const confirmed = this.#confirmedBy.size - 1;
    if (confirmed >= this.#bounds.confirmations || this.#confirmedBy.has(from)) return false;
    this.#confirmedBy.add(from);
    const elapsed = this.#clock.now() - this.#start;
    this.#arm(Math.max(0, suspicionTimeout(this.#bounds, confirmed + 1) - elapsed));
    return true;
  }

  cancel(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(delayMs: number): void {
    this.cancel();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#onTimeout();
    }, delayMs);
  }
}
