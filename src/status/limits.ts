/**
 * The queue's limits: a token bucket for the request rate, exponential backoff with jitter, and one
 * circuit breaker for the whole API server. Plain state machines over a time in milliseconds.
 */

/** Exponential backoff with "equal jitter": a random delay in [d/2, d], d = min(max, base * 2^(attempt-1)). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private readonly perMs: number;
  private readonly burst: number;

  constructor(ratePerSecond: number, burst: number, nowMs: number) {
    this.perMs = ratePerSecond / 1000;
    this.burst = burst;
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** 0 when a token is there now, else how long until one is. */
  waitMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }

  private refill(nowMs: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.lastMs) * this.perMs);
    this.lastMs = nowMs;
  }
}

export interface BreakerOptions {
  /** Consecutive "server down" failures (timeouts, connection errors, 5xx) that open it. */
  readonly threshold: number;
  /** Probe spacing after a failed probe: backoff from base to max (with jitter). */
  readonly probeBaseMs: number;
  readonly probeMaxMs: number;
}

/**
 * Closed: requests flow. Open: one probe at a time, spaced by backoff; any answer from the server (even
 * 404 or 422) closes it, since the server is back.
 */
export class CircuitBreaker {
  private open = false;
  private consecutive = 0;
  private probeFailures = 0;
  private probeInFlight = false;
  private nextProbeAtMs = 0;
  private readonly options: BreakerOptions;
  private readonly random: () => number;

  constructor(options: BreakerOptions, random: () => number) {
    this.options = options;
    this.random = random;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Undefined when a request may start now; else the time to ask again (Infinity: when the probe ends). */
  blockedUntil(nowMs: number): number | undefined {
    if (!this.open) return undefined;
    if (this.probeInFlight) return Infinity;
    return nowMs >= this.nextProbeAtMs ? undefined : this.nextProbeAtMs;
  }

  /** A request starts; returns true when it is a probe (the breaker is open). */
  begin(): boolean {
    if (this.open) this.probeInFlight = true;
    return this.open;
  }

  /** The server answered (any HTTP status but 5xx). Returns true when this closed the breaker. */
  answered(): boolean {
    this.consecutive = 0;
    this.probeFailures = 0;
    this.probeInFlight = false;
    const wasOpen = this.open;
    this.open = false;
    return wasOpen;
  }

  /** No answer, or a 5xx. Returns true when this opened the breaker. */
  down(nowMs: number, wasProbe: boolean): boolean {
    if (this.open) {
      if (!wasProbe) return false;
      this.probeInFlight = false;
      this.probeFailures++;
      this.nextProbeAtMs = nowMs + this.probeDelay();
      return false;
    }
    this.consecutive++;
    if (this.consecutive < this.options.threshold) return false;
    this.open = true;
    this.probeFailures = 1;
    this.nextProbeAtMs = nowMs + this.probeDelay();
    return true;
  }

  private probeDelay(): number {
    return backoffMs(this.probeFailures, this.options.probeBaseMs, this.options.probeMaxMs, this.random);
  }
}
