/**
 * One gate in front of the API server for every informer of a source set. A request that gets no answer
 * (connection refused or reset, timeout, 5xx) opens it; while it is open no informer sends anything, and
 * one cheap probe at a time asks whether the server answers again, spaced 1 s, 2 s, 4 s ... 30 s (+0-25%
 * jitter). Any HTTP answer to a probe closes it and lets the informers go. Without it, each informer
 * retried on its own backoff: seven informers made 35 requests in 40 s from a node cut off its network.
 */
import { KubeApiError } from '../kubehttp/index.ts';

export interface ApiGateOptions {
  /** First probe delay, ms (default 1000); doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
}

export interface ApiGateEvents {
  /** The gate opened on `err`. */
  opened(err: Error): void;
  /** A probe was answered after `downMs` without answers; `probes` were sent. */
  closed(downMs: number, probes: number): void;
}

export interface ApiGateStats {
  readonly open: boolean;
  /** How many times it opened. */
  readonly opened: number;
  /** Probes sent (requests). */
  readonly requests: number;
}

/** Whether a failure says the server as a whole does not answer (rather than refusing this request). */
export function serverDown(err: Error): boolean {
  if (!(err instanceof KubeApiError)) return true;
  return err.status === undefined || err.status >= 500;
}

export class ApiGate {
  readonly #probe: () => Promise<unknown>;
  readonly #events: ApiGateEvents;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #openSince: number | undefined;
  #waiters: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #opened = 0;
  #requests = 0;

  /** `probe`: one cheap request; it resolves on any HTTP answer, rejects when none came. */
  constructor(probe: () => Promise<unknown>, events: ApiGateEvents, options: ApiGateOptions = {}) {
    this.#probe = probe;
    this.#events = events;
    this.#initialMs = options.initialDelayMs ?? 1000;
    this.#maxMs = options.maxDelayMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  get isOpen(): boolean {
    return this.#openSince !== undefined;
  }

  /** Resolves at once while closed; while open, when it closes (or the gate stops). */
  admit(): Promise<void> {
    if (this.#openSince === undefined || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** A request failed; a server-down failure opens the gate and starts probing. */
  failed(err: Error): void {
    if (this.#stopped || this.#openSince !== undefined || !serverDown(err)) return;
    this.#openSince = Date.now();
    this.#opened += 1;
    this.#events.opened(err);
    this.#scheduleProbe(1, 0);
  }

  stats(): ApiGateStats {
    return { open: this.isOpen, opened: this.#opened, requests: this.#requests };
  }

  /** Releases every waiter and sends no more probes. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#release();
  }

  #scheduleProbe(attempt: number, probes: number): void {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** (attempt - 1));
    const delay = Math.round(ceiling * (1 + this.#random() / 4));
    this.#timer = setTimeout(() => void this.#runProbe(attempt, probes + 1), delay);
  }

  async #runProbe(attempt: number, probes: number): Promise<void> {
    this.#requests += 1;
    let answered: boolean;
    try {
      await this.#probe();
      answered = true;
    } catch (err) {
      answered = !serverDown(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.#stopped) return;
    if (!answered) {
      this.#scheduleProbe(attempt + 1, probes);
      return;
    }
    const downMs = Date.now() - (this.#openSince ?? Date.now());
    this.#openSince = undefined;
    this.#events.closed(downMs, probes);
    this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
