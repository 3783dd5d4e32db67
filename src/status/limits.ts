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
  /** Probes start at least this far apart (start to start): base doubling up to max, +0-25% jitter. */
  readonly probeBaseMs: number;
  readonly probeMaxMs: number;
}

/**
 * Closed: requests flow. Open: no write is sent; one probe at a time, spaced from one probe's start to
 * the next, so a hung server (probe waits for its timeout) and a refusing one (probe fails at once)
 * both see a bounded rate. Any answer from the server (even 404 or 422) closes it.
 */
export class CircuitBreaker {
  private open = false;
  private consecutive = 0;
  private probes = 0;
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

  /** When open: the time the next probe may start, undefined while one is in flight. */
  probeDueAtMs(): number | undefined {
    return this.open && !this.probeInFlight ? this.nextProbeAtMs : undefined;
  }

  beginProbe(nowMs: number): void {
    this.probeInFlight = true;
    this.probes++;
    this.nextProbeAtMs = nowMs + this.spacing();
  }

  /** The probe got no answer (or a 5xx): the next one starts at the time set when this one began. */
  probeFailed(): void {
    this.probeInFlight = false;
  }

  /** The server answered (any HTTP status but 5xx). Returns true when this closed the breaker. */
  answered(): boolean {
    this.consecutive = 0;
    this.probes = 0;
    this.probeInFlight = false;
    const wasOpen = this.open;
    this.open = false;
    return wasOpen;
  }

  /** A request got no answer, or a 5xx. Returns true when this opened the breaker. */
  down(nowMs: number): boolean {
    if (this.open) return false;
    this.consecutive++;
    if (this.consecutive < this.options.threshold) return false;
    this.open = true;
    this.probes = 0;
    this.nextProbeAtMs = nowMs + this.spacing();
    return true;
  }

  private spacing(): number {
    const { probeBaseMs: base, probeMaxMs: max } = this.options;
    return Math.min(max, base * 2 ** this.probes) * (1 + this.random() / 4);
  }
}
