/**
 * Test doubles for the status publisher: a hand-driven clock and an in-memory API server with the
 * rules that matter (status dropped on create, 409 on a taken name or a stale resourceVersion/uid,
 * 422 when an immutable status field changes), a watch, and failure injection.
 */
import { StatusApiError, type ApiErrorKind } from '../../../src/status/index.ts';
import type {
  Clock,
  L2Status,
  NewStatusObject,
  ServiceEvent,
  StatusApi,
  StatusObject,
  Timer,
  WatchHandlers,
} from '../../../src/status/index.ts';

export class FakeClock implements Clock {
  private nowMs = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  now(): number {
    return this.nowMs;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const id = this.nextId++;
    this.timers.push({ at: this.nowMs + ms, fn, id });
    return { cancel: () => (this.timers = this.timers.filter((t) => t.id !== id)) };
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = Math.max(this.nowMs, due.at);
      due.fn();
      await settle();
    }
    this.nowMs = end;
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

export type Operation = 'create' | 'patchStatus' | 'delete' | 'get' | 'event' | 'probe' | 'list';

export interface Call {
  readonly operation: Operation;
  readonly target: string;
  readonly at: number;
}

export function apiError(kind: ApiErrorKind, operation = 'create', retryAfterMs?: number): StatusApiError {
  return new StatusApiError(kind, operation, 'x', 'injected', { retryAfterMs });
}

export class FakeApi implements StatusApi {
  readonly objects = new Map<string, StatusObject>();
  readonly calls: Call[] = [];
  readonly events: ServiceEvent[] = [];
  /** Return an error to fail the call, 'hang' to never answer it, undefined to serve it. */
  failWith: (operation: Operation, target: string) => StatusApiError | 'hang' | undefined = () => undefined;
  /** When set, watch events wait in `lagging` until flushWatch(), as a slow watch would. */
  lag = false;
  private readonly lagging: (() => void)[] = [];
  private handlers: WatchHandlers | undefined;
  private watching = false;
  private version = 1;
  private readonly clock: FakeClock;

  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  /** An object written by someone else (delivered to the watch). */
  put(object: Omit<StatusObject, 'resourceVersion' | 'uid'> & { uid?: string }): StatusObject {
    const stored = {
      ...object,
      uid: object.uid ?? `uid-${this.version}`,
      resourceVersion: String(this.version++),
    };
    this.objects.set(stored.name, stored);
    this.notify(() => this.handlers?.onUpsert(stored));
    return stored;
  }

  /** An object deleted by someone else (delivered to the watch). */
  drop(name: string): void {
    const current = this.objects.get(name);
    if (current === undefined) return;
    this.objects.delete(name);
    this.notify(() => this.handlers?.onDelete(current));
  }

  flushWatch(): void {
    for (const deliver of this.lagging.splice(0)) deliver();
  }

  private notify(deliver: () => void): void {
    if (!this.watching) return;
    if (this.lag) this.lagging.push(deliver);
    else deliver();
  }

  count(operation?: Operation): number {
    return this.calls.filter((c) => operation === undefined || c.operation === operation).length;
  }

  /** Ends the watch with an error, as a broken connection would. */
  breakWatch(error: StatusApiError): void {
    this.watching = false;
    this.handlers?.onError(error);
  }

  private async serve<T>(operation: Operation, target: string, run: () => T): Promise<T> {
    this.calls.push({ operation, target, at: this.clock.now() });
    await Promise.resolve();
    const failure = this.failWith(operation, target);
    if (failure === 'hang') return new Promise<T>(() => undefined);
    if (failure !== undefined) throw failure;
    return run();
  }

  create(object: NewStatusObject): Promise<StatusObject> {
    return this.serve('create', object.name, () => {
      if (this.objects.has(object.name)) throw apiError('alreadyExists');
      const owner = object.owner;
      return this.put({
        name: object.name,
        labels: { ...object.labels },
        ownerReferences: owner === undefined ? [] : [{ kind: 'Pod', ...owner }],
      });
    });
  }

  patchStatus(name: string, resourceVersion: string, status: L2Status): Promise<StatusObject> {
    return this.serve('patchStatus', name, () => {
      const current = this.objects.get(name);
      if (current === undefined) throw apiError('notFound', 'patchStatus');
      if (current.resourceVersion !== resourceVersion) throw apiError('conflict', 'patchStatus');
      const old = current.status;
      for (const field of ['node', 'serviceName', 'serviceNamespace'] as const)
        if (old?.[field] !== undefined && old[field] !== status[field])
          throw apiError('invalid', 'patchStatus');
      return this.put({ ...current, status: { ...status } });
    });
  }

  delete(name: string, uid: string): Promise<void> {
    return this.serve('delete', name, () => {
      const current = this.objects.get(name);
      if (current === undefined) throw apiError('notFound', 'delete');
      if (current.uid !== uid) throw apiError('conflict', 'delete');
      this.objects.delete(name);
      this.notify(() => this.handlers?.onDelete(current));
    });
  }

  get(name: string): Promise<StatusObject | undefined> {
    return this.serve('get', name, () => this.objects.get(name));
  }

  createEvent(event: ServiceEvent): Promise<void> {
    return this.serve('event', `${event.serviceNamespace}/${event.serviceName}`, () => {
      this.events.push(event);
    });
  }

  probe(): Promise<void> {
    return this.serve('probe', '', () => undefined);
  }

  watch(handlers: WatchHandlers) {
    this.handlers = handlers;
    return {
      start: () =>
        this.serve('list', '', () => {
          this.watching = true;
          handlers.onSync([...this.objects.values()]);
        }),
      stop: async () => {
        this.watching = false;
      },
    };
  }
}
