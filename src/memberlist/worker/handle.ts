/**
 * The main thread's handle on a membership runtime: sends Requests, keeps a mirror of the members from the
 * runtime's reports (so members() is synchronous), and fans events out to listeners.
 */
import { MembershipListenerError, MembershipRuntimeError, MembershipWorkerError } from './errors.ts';
import type {
  MembershipEvent,
  MembershipStats,
  MemberSnapshot,
  Report,
  Request,
  RuntimeOptions,
  SerializedError,
} from './protocol.ts';
import type { RuntimePort } from './runtime.ts';

export type MembershipListener = (event: MembershipEvent) => void;
export type DebugListener = (message: string, fields: Record<string, unknown>) => void;
export type ListenerErrorHandler = (err: MembershipListenerError) => void;

export interface HandleHooks {
  readonly onDebug?: DebugListener | undefined;
  /** Default process.emitWarning: a listener's error neither stops other listeners nor the handle. */
  readonly onListenerError?: ListenerErrorHandler | undefined;
}

export interface Membership {
  /** The bound UDP/TCP port (bindPort, or the one picked for port 0). */
  readonly port: number;
  /** Process id of the membership runtime: its own child process, or this process for a worker thread. */
  readonly runtimePid: number;
  /** Every known member, this node included, as of the last report from the runtime. */
  members(): MemberSnapshot[];
  /** Listens to join, leave and update events; returns the function that stops listening. */
  onChange(listener: MembershipListener): () => void;
  /** True after the first successful push/pull join with a seed (at once without seeds), false at joinTimeoutMs. */
  readonly synced: Promise<boolean>;
  /** Push/pull join with more seeds ('host:port'); resolves with how many answered, rejects if none. */
  join(seeds: readonly string[]): Promise<number>;
  stats(): Promise<MembershipStats>;
  /** Gossips a graceful leave, waits until it went out or `timeoutMs`, then stops (nothing once stopped). */
  leave(timeoutMs: number): Promise<void>;
  /** Stops at once (peers see a failure); ends the worker thread. Nothing to do after leave or stop. */
  stop(): Promise<void>;
}

interface Pending {
  readonly operation: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

const remote = (operation: string, error: SerializedError): MembershipRuntimeError =>
  new MembershipRuntimeError(operation, error.name, error.message);

export class RuntimeHandle implements Membership {
  port = 0;
  runtimePid = 0;
  readonly synced: Promise<boolean>;
  readonly #port: RuntimePort;
  readonly #close: () => Promise<void>;
  readonly #listeners = new Set<MembershipListener>();
  readonly #pending = new Map<number, Pending>();
  readonly #hooks: HandleHooks;
  #members: MemberSnapshot[] = [];
  #nextId = 1;
  #started: { resolve: () => void; reject: (err: Error) => void } | undefined;
  #settleSynced: (synced: boolean) => void = () => undefined;
  #finished = false;

  constructor(port: RuntimePort, close: () => Promise<void>, hooks: HandleHooks = {}) {
    this.#port = port;
    this.#close = close;
    this.#hooks = hooks;
    this.synced = new Promise((resolve) => (this.#settleSynced = resolve));
    port.on('message', (report) => this.#receive(report as Report));
  }

  /** Starts the runtime; rejects with MembershipRuntimeError when it cannot bind or its options are bad. */
  start(options: RuntimeOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#started = { resolve, reject };
      this.#port.postMessage({ kind: 'start', options } satisfies Request);
    });
  }

  members(): MemberSnapshot[] {
    return [...this.#members];
  }

  onChange(listener: MembershipListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  join(seeds: readonly string[]): Promise<number> {
    return this.#request('join', (id) => ({ kind: 'join', id, seeds })) as Promise<number>;
  }

  stats(): Promise<MembershipStats> {
    return this.#request('stats', (id) => ({ kind: 'stats', id })) as Promise<MembershipStats>;
  }

  async leave(timeoutMs: number): Promise<void> {
    if (this.#finished) return;
    await this.#finish(this.#request('leave', (id) => ({ kind: 'leave', id, timeoutMs })));
  }

  async stop(): Promise<void> {
    if (this.#finished) return;
    await this.#finish(this.#request('stop', (id) => ({ kind: 'stop', id })));
  }

  /** Closes the channel without asking the runtime anything (it never started). */
  async close(): Promise<void> {
    this.#finished = true;
    this.#settleSynced(false);
    await this.#close();
  }

  /** The runtime is gone (worker crashed or exited): fail everything that waits on it. */
  abort(err: MembershipWorkerError): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#started?.reject(err);
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
    this.#settleSynced(false);
  }

  async #finish(request: Promise<unknown>): Promise<void> {
    if (this.#finished) return;
    try {
      await request;
    } finally {
      this.#finished = true;
      this.#settleSynced(false);
      await this.#close();
    }
  }

  #request(operation: string, build: (id: number) => Request): Promise<unknown> {
    if (this.#finished) return Promise.reject(new MembershipWorkerError(`${operation} after stop`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { operation, resolve, reject });
      this.#port.postMessage(build(id));
    });
  }

  #receive(report: Report): void {
    switch (report.kind) {
      case 'started':
        this.port = report.port;
        this.runtimePid = report.pid;
        this.#members = report.members;
        return this.#started?.resolve();
      case 'failed':
        return this.#started?.reject(remote('start', report.error));
      case 'event':
        this.#members = report.members;
        for (const listener of this.#listeners) this.#notify(listener, report.event);
        return;
      case 'synced':
        return this.#settleSynced(report.synced);
      case 'log':
        return this.#hooks.onDebug?.(report.message, report.fields);
      case 'reply': {
        const pending = this.#pending.get(report.id);
        this.#pending.delete(report.id);
        if (report.error === undefined) pending?.resolve(report.value);
        else pending?.reject(remote(pending.operation, report.error));
      }
    }
  }

  #notify(listener: MembershipListener, event: MembershipEvent): void {
    try {
      listener(event);
    } catch (err) {
      const error = new MembershipListenerError(event, err);
      if (this.#hooks.onListenerError) this.#hooks.onListenerError(error);
      else process.emitWarning(error);
    }
  }
}
