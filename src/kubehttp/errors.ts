/** Typed errors of the API server client: what was asked of the server, and what it answered. */

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly method: string;
  readonly path: string;
  /** HTTP status; undefined when no answer came (connection refused, reset, timeout). */
  readonly status: number | undefined;
  /** The Status object's reason (e.g. 'Expired', 'Forbidden'), when the server sent one. */
  readonly reason: string | undefined;
  /** The Retry-After header of the answer (429, 503), as sent. */
  readonly retryAfter: string | undefined;
  constructor(
    method: string,
    path: string,
    status: number | undefined,
    detail: string,
    reason?: string,
    retryAfter?: string,
  ) {
    super(`${method} ${path}: ${status === undefined ? 'no answer' : `HTTP ${status}`}: ${detail}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /** 410 Gone: the resource version asked for is too old; only a new list helps. */
  get expired(): boolean {
    return this.status === 410;
  }
}

/** A kubeconfig (or the in-cluster service account) that cannot be used; `field` names what is wrong. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  /** The kubeconfig's path, or "in-cluster". */
  readonly source: string;
  readonly field: string | undefined;
  constructor(source: string, problem: string, options: { field?: string; cause?: unknown } = {}) {
    const where = options.field === undefined ? '' : `${options.field}: `;
    super(`kubeconfig ${source}: ${where}${problem}`, { cause: options.cause });
    this.source = source;
    this.field = options.field;
  }
}
