/**
 * Lifeguard's local health score, 0 (healthy) to max - 1: failed probes, missing nacks and refutations raise
 * it, successful probes lower it. A node that is itself slow thereby probes and times out more patiently
 * instead of accusing healthy peers.
 */
export class Awareness {
  readonly #max: number;
  #score = 0;

  constructor(maxMultiplier: number) {
    this.#max = maxMultiplier;
  }

  get score(): number {
    return this.#score;
  }

  applyDelta(delta: number): void {
    this.#score = Math.min(this.#max - 1, Math.max(0, this.#score + delta));
  }

  /** `timeoutMs` x (score + 1). */
  scale(timeoutMs: number): number {
    return timeoutMs * (this.#score + 1);
  }
}
