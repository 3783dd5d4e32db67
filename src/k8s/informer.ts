/**
 * A list-and-watch loop over one collection that never gives up: paged list into the store, watch from
 * the list's resourceVersion, re-watch when the server ends the watch, relist when the version expired
 * (410), and exponential backoff with jitter between failures. The store keeps converted values, so a
 * relist reconverts only objects whose resourceVersion changed.
 */
import type { KubeApi, RawObject, WatchEventType, WatchHandle } from './api.ts';
import { KubeApiError } from '../kubehttp/index.ts';
import type { ApiGate } from './gate.ts';
import type { KindStore } from './store.ts';
import { loopTurns, type TurnQueue } from './turns.ts';

export interface InformerTarget {
  /** For logs and stats, e.g. "services". */
  readonly name: string;
  /** Collection path, e.g. "/api/v1/services". */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface InformerEvents {
  /** The store's kept values changed. */
  changed(): void;
  /** The first list completed. */
  synced(): void;
  /** A list or watch failed; the next attempt comes in `retryInMs`. */
  failed(err: Error, retryInMs: number): void;
}

export interface InformerOptions {
  /** Objects per list page (default 100): a page is parsed in one go, so pages stay small. */
  readonly pageSize?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /**
   * Longest stretch of list processing between two turns of the event loop, ms (default 4): converting
   * a page of new objects takes tens of ms, so it is sliced.
   */
  readonly sliceMs?: number;
  /** Server-side watch timeout range, s (default 240-360, randomised so watches do not end together). */
  readonly watchTimeoutSeconds?: readonly [number, number];
  readonly random?: () => number;
  /**
   * The gate shared by the informers of one API server: a failure without an answer opens it, and no
   * request is sent while it is open (its probes find when the server answers again).
   */
  readonly gate?: ApiGate;
  /** Where list slices wait for a turn of the event loop (default: the process's queue). */
  readonly turns?: TurnQueue;
}

export interface InformerStats {
  /** Requests sent: every list page and every watch start. */
  readonly requests: number;
  readonly lists: number;
  readonly watches: number;
  readonly failures: number;
  readonly objects: number;
}

/** The delay before retry `attempt` (1-based): doubling from `initialMs` to `maxMs`, minus up to half as jitter. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (1 - random() / 2));
}

export class Informer<T> {
  readonly #api: KubeApi;
  readonly #target: InformerTarget;
  readonly #store: KindStore<T>;
  readonly #events: InformerEvents;
  readonly #options: Required<Omit<InformerOptions, 'gate' | 'turns'>>;
  readonly #gate: ApiGate | undefined;
  readonly #turns: TurnQueue;
  #stopped = false;
  #synced = false;
  #resourceVersion: string | undefined;
  #watch: { handle: WatchHandle | undefined; end: (err: Error | undefined) => void } | undefined;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stats = { requests: 0, lists: 0, watches: 0, failures: 0 };

  constructor(
    api: KubeApi,
    target: InformerTarget,
    store: KindStore<T>,
    events: InformerEvents,
    options: InformerOptions = {},
  ) {
    this.#api = api;
    this.#target = target;
    this.#store = store;
    this.#events = events;
    this.#options = {
      pageSize: options.pageSize ?? 100,
      sliceMs: options.sliceMs ?? 4,
      backoffInitialMs: options.backoffInitialMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? [240, 360],
      random: options.random ?? Math.random,
    };
    this.#gate = options.gate;
    this.#turns = options.turns ?? loopTurns;
  }

  get name(): string {
    return this.#target.name;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Drops the watch and lists again (what an expired watch causes; benchmarks force it). */
  relist(): void {
    this.#resourceVersion = undefined;
    this.#watch?.end(undefined);
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watch?.end(undefined);
    this.#wake?.();
    await this.#running;
  }

  stats(): InformerStats {
    return { ...this.#stats, objects: this.#store.size };
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      await this.#gate?.admit();
      if (this.#stopped) break;
      try {
        if (this.#resourceVersion === undefined) await this.#list();
        if (this.#stopped) break;
        if (!this.#synced) {
          this.#synced = true;
          this.#events.synced();
        }
        const eventsSeen = await this.#watchOnce();
        if (eventsSeen) failures = 0;
      } catch (err) {
        if (this.#stopped) break;
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof KubeApiError && error.expired) {
          // The version is gone from the server's window: a fresh list is the only way forward.
          this.#resourceVersion = undefined;
          continue;
        }
        failures += 1;
        this.#stats.failures += 1;
        this.#gate?.failed(error);
        const delay = backoffDelay(
          failures,
          this.#options.backoffInitialMs,
          this.#options.backoffMaxMs,
          this.#options.random,
        );
        this.#events.failed(error, delay);
        await this.#sleep(delay);
      }
    }
  }

  #selectors(): Record<string, string> {
    const query: Record<string, string> = {};
    if (this.#target.labelSelector !== undefined) query['labelSelector'] = this.#target.labelSelector;
    if (this.#target.fieldSelector !== undefined) query['fieldSelector'] = this.#target.fieldSelector;
    return query;
  }

  async #list(): Promise<void> {
    this.#stats.lists += 1;
    this.#store.beginList();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query: Record<string, string> = { ...this.#selectors(), limit: String(this.#options.pageSize) };
      if (continueToken !== undefined) query['continue'] = continueToken;
      this.#stats.requests += 1;
      const page = await this.#api.list(this.#target.path, query);
      if (this.#stopped) return;
      await this.#stage(page.items);
      if (this.#stopped) return;
      continueToken = page.continueToken;
      resourceVersion = page.resourceVersion;
    } while (continueToken !== undefined);
    await this.#turns.next();
    const changed = this.#store.endList();
    await this.#turns.next();
    // The sorted values are built here, in a turn of their own, rather than all kinds at once when the
    // model is assembled.
    this.#store.values();
    if (changed) this.#events.changed();
    this.#resourceVersion = resourceVersion;
  }

  /** Stages a page into the store in slices of sliceMs, each in a turn of its own. */
  async #stage(items: readonly RawObject[]): Promise<void> {
    await this.#turns.next();
    if (this.#stopped) return;
    let sliceStart = performance.now();
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== undefined) this.#store.listItem(item);
      if (performance.now() - sliceStart > this.#options.sliceMs) {
        await this.#turns.next();
        if (this.#stopped) return;
        sliceStart = performance.now();
      }
    }
  }

  /** One watch until the server ends it (resolves: were events seen) or it fails (rejects). */
  #watchOnce(): Promise<boolean> {
    const [low, high] = this.#options.watchTimeoutSeconds;
    const timeoutSeconds = Math.round(low + (high - low) * this.#options.random());
    const query = {
      ...this.#selectors(),
      resourceVersion: this.#resourceVersion ?? '',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds),
    };
    this.#stats.watches += 1;
    this.#stats.requests += 1;
    let seen = false;
    return new Promise<boolean>((resolve, reject) => {
      const watch: { handle: WatchHandle | undefined; end: (err: Error | undefined) => void } = {
        handle: undefined,
        end: (err) => {
          if (this.#watch !== watch) return;
          this.#watch = undefined;
          watch.handle?.abort();
          if (err === undefined) resolve(seen);
          else reject(err);
        },
      };
      this.#watch = watch;
      const onEvent = (type: WatchEventType, object: RawObject): void => {
        if (this.#watch !== watch) return;
        seen = true;
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string; reason?: string };
          watch.end(
            new KubeApiError(
              'WATCH',
              this.#target.path,
              status.code,
              status.message ?? 'error event',
              status.reason,
            ),
          );
          return;
        }
        const version = object.metadata?.resourceVersion;
        if (version !== undefined) this.#resourceVersion = version;
        if (type === 'BOOKMARK') return;
        const changed = type === 'DELETED' ? this.#store.remove(object) : this.#store.upsert(object);
        if (changed) this.#events.changed();
      };
      this.#api
        .watch(this.#target.path, query, onEvent, (err) => watch.end(err))
        .then(
          (handle) => {
            watch.handle = handle;
            if (this.#watch !== watch) handle.abort();
          },
          (err: unknown) => watch.end(err instanceof Error ? err : new Error(String(err))),
        );
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).finally(() => (this.#wake = undefined));
  }
}
