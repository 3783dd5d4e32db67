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

/**
 * min = mult x max(1, log10 n) x interval, max = maxMult x min; k capped at the n - 2 members that could
 * confirm (memberlist drops k to 0 there, which would let a lone accusation in a 4-node cluster expire at the
 * minimum; capping keeps the max for it).
 */
export function suspicionBounds(timing: SuspicionTiming, clusterSize: number): SuspicionBounds {
  const minMs =
    timing.suspicionMult * Math.max(1, Math.log10(Math.max(1, clusterSize))) * timing.probeIntervalMs;
  const confirmations = Math.max(0, Math.min(timing.suspicionConfirmations, clusterSize - 2));
  return { minMs, maxMs: timing.suspicionMaxTimeoutMult * minMs, confirmations };
}

/** The total timeout after `confirmed` confirmations: max - ln(c+1)/ln(k+1) x (max - min), floored at min. */
export function suspicionTimeout(bounds: SuspicionBounds, confirmed: number): number {
  if (bounds.confirmations < 1) return bounds.minMs;
  const fraction = Math.log(confirmed + 1) / Math.log(bounds.confirmations + 1);
  return Math.max(bounds.minMs, Math.floor(bounds.maxMs - fraction * (bounds.maxMs - bounds.minMs)));
}

/**
 * A running suspicion of one member; calls `onTimeout` once when it expires, one I/O turn after its timer
 * (so a refutation that arrived while this node stalled is applied first and cancels it).
 */
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

  /** Confirmations counted so far (distinct nodes other than the accuser). */
  get confirmed(): number {
    return this.#confirmedBy.size - 1;
  }

  cancel(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(delayMs: number): void {
    this.cancel();
    const timer = this.#clock.setTimeout(() => {
      this.#clock.defer(() => {
        if (this.#timer !== timer) return;
        this.#timer = null;
        this.#onTimeout();
      });
    }, delayMs);
    this.#timer = timer;
  }
}
