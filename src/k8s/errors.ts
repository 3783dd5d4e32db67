/** Typed errors of the Kubernetes sources: what was asked of the API server, and what it answered. */

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly method: string;
  readonly path: string;
  /** HTTP status; undefined when no answer came (connection refused, reset, timeout). */
  readonly status: number | undefined;
  /** The Status object's reason (e.g. 'Expired', 'Forbidden'), when the server sent one. */
  readonly reason: string | undefined;
  constructor(method: string, path: string, status: number | undefined, detail: string, reason?: string) {
    super(`${method} ${path}: ${status === undefined ? 'no answer' : `HTTP ${status}`}: ${detail}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.reason = reason;
  }

  /** 410 Gone: the resource version asked for is too old; only a new list helps. */
  get expired(): boolean {
    return this.status === 410;
  }
}

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly source: string;
  constructor(source: string, problem: string, cause?: unknown) {
    super(`kubeconfig ${source}: ${problem}`, cause === undefined ? undefined : { cause });
    this.source = source;
  }
}
