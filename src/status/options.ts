/**
 * Tunables of the publisher, with defaults chosen for docs/status.md's budget: at most ~10 requests a
 * minute while the API server is unreachable, and status caught up within seconds once it is back.
 */
import { StatusOptionError } from './errors.ts';

export interface StatusTunables {
  /** Token bucket: sustained requests per second (default 20) and burst (default 40). */
  readonly ratePerSecond?: number;
  readonly burst?: number;
  /** Requests in flight at once (default 2); never two for one service. */
  readonly concurrency?: number;
  /** Per-service backoff after a failed write: 200 ms doubling up to 30 s, with jitter. */
  readonly keyBackoffBaseMs?: number;
  readonly keyBackoffMaxMs?: number;
  /** Consecutive timeouts/connection errors/5xx that open the breaker (default 2). */
  readonly breakerThreshold?: number;
  /** While open, one probe at a time, starts spaced 2 s doubling up to 8 s (+0-25% jitter). */
  readonly probeBaseMs?: number;
  readonly probeMaxMs?: number;
  /** 429 without Retry-After pauses the queue this long (default 1 s); longer ones are capped (60 s). */
  readonly retryAfterMinMs?: number;
  readonly retryAfterMaxMs?: number;
  /** Every service is compared again with what exists this often (default 5 min); 0 turns it off. */
  readonly resyncMs?: number;
  /** The owner deletes a live node's object itself only after this long (default 3 s). */
  readonly peerGraceMs?: number;
  /** Our own write's answer stands in for the watch this long at most (default 30 s). */
  readonly overlayTtlMs?: number;
  /** Watch restarts after an error: 1 s doubling up to 30 s, with jitter. */
  readonly watchRestartBaseMs?: number;
  readonly watchRestartMaxMs?: number;
}

export type ResolvedTunables = Required<StatusTunables>;

export const DEFAULT_TUNABLES: ResolvedTunables = {
  ratePerSecond: 20,
  burst: 40,
  concurrency: 2,
  keyBackoffBaseMs: 200,
  keyBackoffMaxMs: 30_000,
  breakerThreshold: 2,
  probeBaseMs: 2_000,
  probeMaxMs: 8_000,
  retryAfterMinMs: 1_000,
  retryAfterMaxMs: 60_000,
  resyncMs: 300_000,
  peerGraceMs: 3_000,
  overlayTtlMs: 30_000,
  watchRestartBaseMs: 1_000,
  watchRestartMaxMs: 30_000,
};

/** Defaults filled in; every value must be a finite number >= 0 (rate, burst, concurrency, threshold >= 1). */
export function resolveTunables(given: StatusTunables): ResolvedTunables {
  const resolved: Record<string, number> = { ...DEFAULT_TUNABLES };
  for (const [field, value] of Object.entries(given)) {
    if (!(field in DEFAULT_TUNABLES) || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new StatusOptionError(field, value, 'a finite number >= 0');
    resolved[field] = value;
  }
  for (const field of ['ratePerSecond', 'burst', 'concurrency', 'breakerThreshold'] as const)
    if ((resolved[field] ?? 0) < 1) throw new StatusOptionError(field, resolved[field], 'a number >= 1');
  return resolved as ResolvedTunables;
}
