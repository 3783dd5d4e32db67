/**
 * Counters of the publisher, read by the metrics (another module turns them into Prometheus series).
 */
import type { ApiErrorKind } from './errors.ts';
import type { DeleteReason, WriteVerb } from './types.ts';

export type WriteOutcome = 'ok' | ApiErrorKind;

export const WRITE_VERBS: readonly WriteVerb[] = ['create', 'patchStatus', 'delete', 'event'];
export const WRITE_OUTCOMES: readonly WriteOutcome[] = [
  'ok',
  'notFound',
  'alreadyExists',
  'conflict',
  'invalid',
  'throttled',
  'serverError',
  'unavailable',
  'forbidden',
  'other',
];

export interface StatusStats {
  /** Every write by verb and outcome (all outcomes present, zero when none). */
  readonly writes: Readonly<Record<WriteVerb, Readonly<Record<WriteOutcome, number>>>>;
  /** Successful deletes by why they were made. */
  readonly deletes: Readonly<Partial<Record<DeleteReason, number>>>;
  /** GETs after a 409/422, to learn what the name holds. */
  readonly gets: Readonly<Record<WriteOutcome, number>>;
  /** Every request sent: writes, GETs and watch (re)starts. */
  readonly requests: number;
  /** Requests sent while the breaker was open: its probes. */
  readonly requestsWhileBreakerOpen: number;
  readonly breakerOpen: boolean;
  /** How many times the breaker opened. */
  readonly breakerOpened: number;
  /** Services waiting for a write. */
  readonly queueDepth: number;
  /** A request is in flight. */
  readonly busy: boolean;
  /** The watch delivered its first list. */
  readonly synced: boolean;
  readonly watchStarts: number;
  readonly watchErrors: number;
  /** Periodic comparisons of every service with what exists. */
  readonly resyncs: number;
  /** ServiceL2Status objects observed in the namespace. */
  readonly objects: number;
}

function zeroOutcomes(): Record<WriteOutcome, number> {
  return Object.fromEntries(WRITE_OUTCOMES.map((o) => [o, 0])) as Record<WriteOutcome, number>;
}

export class StatusCounters {
  readonly writes = Object.fromEntries(WRITE_VERBS.map((v) => [v, zeroOutcomes()])) as Record<
    WriteVerb,
    Record<WriteOutcome, number>
  >;
  readonly deletes: Partial<Record<DeleteReason, number>> = {};
  readonly gets = zeroOutcomes();
  requests = 0;
  requestsWhileBreakerOpen = 0;
  breakerOpened = 0;
  watchStarts = 0;
  watchErrors = 0;
  resyncs = 0;

  write(verb: WriteVerb, outcome: WriteOutcome): void {
    this.writes[verb][outcome]++;
  }

  deleted(reason: DeleteReason): void {
    this.deletes[reason] = (this.deletes[reason] ?? 0) + 1;
  }

  snapshot(): Omit<StatusStats, 'breakerOpen' | 'queueDepth' | 'busy' | 'synced' | 'objects'> {
    const writes = Object.fromEntries(
      WRITE_VERBS.map((v) => [v, { ...this.writes[v] }]),
    ) as StatusStats['writes'];
    return {
      writes,
      deletes: { ...this.deletes },
      gets: { ...this.gets },
      requests: this.requests,
      requestsWhileBreakerOpen: this.requestsWhileBreakerOpen,
      breakerOpened: this.breakerOpened,
      watchStarts: this.watchStarts,
      watchErrors: this.watchErrors,
      resyncs: this.resyncs,
    };
  }
}
