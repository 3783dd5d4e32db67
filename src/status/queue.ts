/**
 * One write queue for the whole publisher: keys (services) are marked dirty, and the queue asks the
 * publisher for a key's next request only when it may send one, so the latest desired state always
 * wins (coalescing). Limits: a token bucket, a concurrency cap, per-key exponential backoff with
 * jitter, a global pause on 429 Retry-After, and one circuit breaker. Runs on an injected clock.
 */
import { StatusApiError, isServerDown } from './errors.ts';
import { CircuitBreaker, TokenBucket, backoffMs, type BreakerOptions } from './limits.ts';
import type { Clock, Timer } from './types.ts';

export interface QueueOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly concurrency: number;
  readonly keyBackoffBaseMs: number;
  readonly keyBackoffMaxMs: number;
  readonly breaker: BreakerOptions;
  /** Bounds for a 429's Retry-After (and its default when absent: the lower bound). */
  readonly retryAfterMinMs: number;
  readonly retryAfterMaxMs: number;
}

export interface NextRequest {
  /** The request to send; it rejects with a StatusApiError. Undefined: the key has nothing to do. */
  readonly request?: () => Promise<void>;
  /** Look at the key again then (e.g. when a grace period ends). */
  readonly recheckAtMs?: number;
}

export interface QueueHooks {
  next(key: string): NextRequest;
  /** The breaker's probe: one cheap request; rejects with a StatusApiError. */
  probe(): Promise<void>;
  /** The breaker opened (with the error that opened it) or closed. */
  breakerChanged(open: boolean, error: StatusApiError | undefined): void;
}

export class WriteQueue {
  private readonly ready = new Set<string>();
  private readonly delayed = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private probing: Promise<void> | undefined;
  private readonly attempts = new Map<string, number>();
  private readonly holdUntil = new Map<string, number>();
  private readonly bucket: TokenBucket;
  private readonly breaker: CircuitBreaker;
  private pausedUntilMs = 0;
  private timer: { timer: Timer; atMs: number } | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly options: QueueOptions;
  private readonly hooks: QueueHooks;

  constructor(options: QueueOptions, hooks: QueueHooks, clock: Clock, random: () => number) {
    this.options = options;
    this.hooks = hooks;
    this.clock = clock;
    this.random = random;
    this.bucket = new TokenBucket(options.ratePerSecond, options.burst, clock.now());
    this.breaker = new CircuitBreaker(options.breaker, random);
  }

  /** Keys waiting (ready or delayed), not counting those in flight. */
  get depth(): number {
    return new Set([...this.ready, ...this.delayed.keys()]).size;
  }

  get breakerOpen(): boolean {
    return this.breaker.isOpen;
  }

  get busy(): boolean {
    return this.inFlight.size > 0 || this.probing !== undefined;
  }

  /** A failure seen outside the queue (the watch) counts toward opening the breaker. */
  reportDown(error: StatusApiError): void {
    if (this.closed || !isServerDown(error.kind)) return;
    if (this.breaker.down(this.clock.now())) this.hooks.breakerChanged(true, error);
    this.pump();
  }

  /** Marks a key dirty, due at `atMs` (default now), never before its backoff ends. */
  mark(key: string, atMs = this.clock.now()): void {
    if (this.closed) return;
    const due = Math.max(atMs, this.holdUntil.get(key) ?? 0);
    if (due <= this.clock.now()) {
      this.delayed.delete(key);
      this.ready.add(key);
    } else if (!this.ready.has(key)) {
      const current = this.delayed.get(key);
      if (current === undefined || due < current) this.delayed.set(key, due);
    }
    this.pump();
  }

  /** Stops sending and waits for the requests in flight, at most `waitMs` (a hung server never answers). */
  async close(waitMs: number): Promise<void> {
    this.closed = true;
    this.timer?.timer.cancel();
    this.timer = undefined;
    let timer: Timer | undefined;
    const bound = new Promise<void>((resolve) => (timer = this.clock.setTimer(resolve, waitMs)));
    await Promise.race([Promise.allSettled([...this.inFlight.values(), this.probing]), bound]);
    timer?.cancel();
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.clock.now();
    for (const [key, due] of this.delayed) {
      if (due > now) continue;
      this.delayed.delete(key);
      this.ready.add(key);
    }
    if (this.breaker.isOpen) return this.probeWhenDue(now);
    while (this.inFlight.size < this.options.concurrency) {
      if (now < this.pausedUntilMs) return this.wakeAt(this.pausedUntilMs);
      const key = this.firstReady();
      if (key === undefined) break;
      const wait = this.bucket.waitMs(now);
      if (wait > 0) return this.wakeAt(now + wait);
      this.ready.delete(key);
      const next = this.hooks.next(key);
      if (next.recheckAtMs !== undefined) this.delayed.set(key, next.recheckAtMs);
      if (next.request !== undefined) this.send(key, next.request);
    }
    const earliest = Math.min(...this.delayed.values());
    if (Number.isFinite(earliest)) this.wakeAt(earliest);
  }

  private firstReady(): string | undefined {
    for (const key of this.ready) if (!this.inFlight.has(key)) return key;
    return undefined;
  }

  private probeWhenDue(now: number): void {
    const due = this.breaker.probeDueAtMs();
    if (due === undefined) return;
    if (due > now) return this.wakeAt(due);
    this.breaker.beginProbe(now);
    this.probing = this.hooks.probe().then(
      () => this.probeSettled(undefined),
      (err: unknown) => this.probeSettled(err),
    );
  }

  private probeSettled(err: unknown): void {
    this.probing = undefined;
    if (err instanceof StatusApiError && isServerDown(err.kind)) this.breaker.probeFailed();
    else if (this.breaker.answered()) this.hooks.breakerChanged(false, undefined);
    this.pump();
  }

  private send(key: string, request: () => Promise<void>): void {
    this.bucket.take(this.clock.now());
    const done = request().then(
      () => this.settle(key, undefined),
      (err: unknown) => this.settle(key, err),
    );
    this.inFlight.set(key, done);
  }

  private settle(key: string, err: unknown): void {
    this.inFlight.delete(key);
    const now = this.clock.now();
    if (err === undefined) {
      if (this.breaker.answered()) this.hooks.breakerChanged(false, undefined);
      this.attempts.delete(key);
      this.holdUntil.delete(key);
      this.mark(key, now);
      return;
    }
    const error =
      err instanceof StatusApiError
        ? err
        : new StatusApiError('other', 'request', key, String(err), { cause: err });
    if (isServerDown(error.kind)) {
      if (this.breaker.down(now)) this.hooks.breakerChanged(true, error);
    } else if (this.breaker.answered()) {
      this.hooks.breakerChanged(false, undefined);
    }
    if (error.kind === 'throttled') {
      const { retryAfterMinMs: min, retryAfterMaxMs: max } = this.options;
      this.pausedUntilMs = Math.max(
        this.pausedUntilMs,
        now + Math.min(max, Math.max(min, error.retryAfterMs ?? min)),
      );
    }
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const { keyBackoffBaseMs: base, keyBackoffMaxMs: max } = this.options;
    this.holdUntil.set(key, now + backoffMs(attempt, base, max, this.random));
    this.mark(key, now);
  }

  private wakeAt(atMs: number): void {
    if (this.closed) return;
    if (this.timer !== undefined && this.timer.atMs <= atMs) return;
    this.timer?.timer.cancel();
    const delay = Math.max(0, atMs - this.clock.now());
    this.timer = {
      atMs,
      timer: this.clock.setTimer(() => {
        this.timer = undefined;
        this.pump();
      }, delay),
    };
  }
}
