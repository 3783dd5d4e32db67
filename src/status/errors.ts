/**
 * Typed errors of the status publisher. The API edge turns every failure into a StatusApiError whose
 * `kind` says how the queue reacts (docs/status.md, "Errors by kind").
 */
import { KubeApiError } from '../kubehttp/index.ts';

/**
 * - notFound 404, alreadyExists 409 on create, conflict 409 otherwise (resourceVersion or uid
 *   precondition), invalid 422, throttled 429, serverError 5xx, unavailable (timeout, connection
 *   refused/reset, TLS), forbidden 401/403, other (any other answer).
 */
export type ApiErrorKind =
  | 'notFound'
  | 'alreadyExists'
  | 'conflict'
  | 'invalid'
  | 'throttled'
  | 'serverError'
  | 'unavailable'
  | 'forbidden'
  | 'other';

export class StatusApiError extends Error {
  readonly kind: ApiErrorKind;
  /** What was asked: create, patchStatus, delete, get, list, watch, event. */
  readonly operation: string;
  /** Object name (or namespace/name for events), empty for list/watch. */
  readonly target: string;
  readonly httpStatus: number | undefined;
  /** Retry-After of a 429/503, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ApiErrorKind,
    operation: string,
    target: string,
    detail: string,
    extra: { httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    const status = extra.httpStatus === undefined ? '' : ` HTTP ${extra.httpStatus}`;
    super(`${operation} ${target || '(collection)'}: ${kind}${status}: ${detail}`, { cause: extra.cause });
    this.name = 'StatusApiError';
    this.kind = kind;
    this.operation = operation;
    this.target = target;
    this.httpStatus = extra.httpStatus;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

/** Kinds that say the API server as a whole is not answering: they feed the circuit breaker. */
export function isServerDown(kind: ApiErrorKind): boolean {
  return kind === 'unavailable' || kind === 'serverError';
}

/** The kind of an HTTP status (create answers 409 AlreadyExists, every other verb 409 Conflict). */
export function kindOfStatus(status: number, operation: string): ApiErrorKind {
  if (status === 404) return 'notFound';
  if (status === 409) return operation === 'create' ? 'alreadyExists' : 'conflict';
  if (status === 422) return 'invalid';
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'forbidden';
  if (status >= 500) return 'serverError';
  return 'other';
}

/** Retry-After in seconds (the API server sends integers) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Any failure of the API client as a StatusApiError: a KubeApiError with an HTTP status by that status
 * (its Retry-After kept), without one (refused, reset, TLS, timeout) as `unavailable`. Anything else is
 * `other`, never mistaken for a down server.
 */
export function toStatusApiError(
  err: unknown,
  operation: string,
  target: string,
  nowMs = Date.now(),
): StatusApiError {
  if (err instanceof StatusApiError) return err;
  if (!(err instanceof KubeApiError))
    return new StatusApiError('other', operation, target, String(err), { cause: err });
  if (err.status === undefined)
    return new StatusApiError('unavailable', operation, target, err.message, { cause: err });
  return new StatusApiError(kindOfStatus(err.status, operation), operation, target, err.message, {
    httpStatus: err.status,
    retryAfterMs: parseRetryAfter(err.retryAfter, nowMs),
    cause: err,
  });
}

export class StatusOptionError extends Error {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, expected: string) {
    super(`status publisher option ${field}=${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'StatusOptionError';
    this.field = field;
    this.value = value;
  }
}
