/**
 * The publisher: keeps the latest desired state, the observed objects (watch + our answers), and feeds
 * services whose objects differ from the rules into the write queue. update() only records and marks;
 * all I/O happens later, in the queue, so the data plane never waits for the API server.
 */
import type winston from 'winston';
import { StatusApiError, isServerDown } from './errors.ts';
import { objectName, parseServiceKey } from './names.ts';
import { ObservedObjects } from './observed.ts';
import { resolveTunables, type ResolvedTunables, type StatusTunables } from './options.ts';
import { WriteQueue, type NextRequest } from './queue.ts';
import { reconcile, type ReconcileResult } from './reconcile.ts';
import { StatusCounters, type StatusStats } from './stats.ts';
import type { Clock, StatusApi, StatusDesired, StatusObject, Timer } from './types.ts';
import { WatchKeeper } from './watch-keeper.ts';
import { Writer } from './writer.ts';

export interface StatusPublisher {
  /** Records the desired state; never blocks, never throws for API trouble. */
  update(desired: StatusDesired): void;
  stats(): StatusStats;
  /** Stops the watch and the queue, waiting for requests in flight (1 s at most). */
  close(): Promise<void>;
}

export interface StatusPublisherOptions extends StatusTunables {
  readonly nodeName: string;
  /** The speaker Pod: objects carry an owner reference to it. */
  readonly pod?: { readonly name: string; readonly uid: string };
}

export interface StatusComponents {
  readonly api: StatusApi;
  readonly clock: Clock;
  readonly logger: winston.Logger;
  /** Jitter source; Math.random by default. */
  readonly random?: () => number;
}

const EMPTY: StatusDesired = { owners: new Map(), interfaces: new Map(), liveNodes: [] };

class Publisher implements StatusPublisher {
  private desired = EMPTY;
  private liveNodes = new Set<string>();
  private lowestLiveNode: string | undefined;
  private readonly ownedSince = new Map<string, number>();
  private readonly eventPending = new Set<string>();
  /** The refusal last seen per service, and those this node is to record as Events. */
  private readonly refusalSeen = new Map<string, string>();
  private readonly refusalPending = new Map<string, string>();
  private readonly keyErrors = new Map<string, string>();
  private readonly observed: ObservedObjects;
  private readonly counters = new StatusCounters();
  private readonly queue: WriteQueue;
  private readonly writer: Writer;
  private readonly watch: WatchKeeper;
  private synced = false;
  private closed = false;
  private resyncTimer: Timer | undefined;
  private readonly tunables: ResolvedTunables;
  private readonly random: () => number;
  private readonly options: StatusPublisherOptions;
  private readonly parts: StatusComponents;

  constructor(options: StatusPublisherOptions, parts: StatusComponents) {
    this.options = options;
    this.parts = parts;
    this.tunables = resolveTunables(options);
    this.random = parts.random ?? Math.random;
    const t = this.tunables;
    this.observed = new ObservedObjects(t.overlayTtlMs);
    const breaker = { threshold: t.breakerThreshold, probeBaseMs: t.probeBaseMs, probeMaxMs: t.probeMaxMs };
    this.queue = new WriteQueue(
      { ...t, breaker },
      {
        next: (key) => this.next(key),
        probe: () => this.writer.probe(),
        breakerChanged: (open, error) => this.breakerChanged(open, error),
      },
      parts.clock,
      this.random,
    );
    this.writer = new Writer({
      api: parts.api,
      observed: this.observed,
      counters: this.counters,
      clock: parts.clock,
      random: this.random,
      eventPending: this.eventPending,
      refusalPending: this.refusalPending,
      failed: (service, error) => this.keyFailed(service, error),
      succeeded: (service) => this.keyRecovered(service),
    });
    const watch = parts.api.watch({
      onSync: (objects) => this.onSync(objects),
      onUpsert: (object) => this.touch(this.observed.upsert(object), true),
      onDelete: (object) => this.touch(this.observed.remove(object), true),
      onError: (error) => this.watch.failed(error),
    });
    this.watch = new WatchKeeper({
      watch,
      clock: parts.clock,
      random: this.random,
      logger: parts.logger,
      counters: this.counters,
      baseMs: t.watchRestartBaseMs,
      maxMs: t.watchRestartMaxMs,
      serverDown: (error) => {
        this.queue.reportDown(error);
        return this.queue.breakerOpen;
      },
    });
    this.watch.start();
    this.scheduleResync();
  }

  update(desired: StatusDesired): void {
    if (this.closed) return;
    const now = this.parts.clock.now();
    const self = this.options.nodeName;
    for (const [service, owner] of desired.owners) {
      if (owner !== self) {
        this.ownedSince.delete(service);
        this.eventPending.delete(service);
      } else if (!this.ownedSince.has(service)) this.ownedSince.set(service, now);
    }
    for (const service of [...this.ownedSince.keys()])
      if (!desired.owners.has(service)) this.ownedSince.delete(service);
    for (const service of [...this.eventPending])
      if (!this.ownedSince.has(service)) this.eventPending.delete(service);
    this.desired = desired;
    this.liveNodes = new Set(desired.liveNodes);
    this.lowestLiveNode = [...this.liveNodes].sort()[0];
    this.noteRefusals(desired.refusals ?? new Map<string, string>());
    this.checkAll();
  }

  stats(): StatusStats {
    return {
      ...this.counters.snapshot(),
      breakerOpen: this.queue.breakerOpen,
      queueDepth: this.queue.depth,
      busy: this.queue.busy,
      synced: this.synced,
      objects: this.observed.size,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.resyncTimer?.cancel();
    await this.queue.close(1_000);
    await this.watch.stop();
  }

  /** The service's objects by label, and whatever holds this node's deterministic name for it. */
  private objectsOf(service: string): StatusObject[] {
    const objects = this.observed.ofService(service);
    const { namespace, name } = parseServiceKey(service);
    const own = this.observed.get(objectName(namespace, name, this.options.nodeName));
    return own === undefined || objects.includes(own) ? objects : [...objects, own];
  }

  private plan(service: string): ReconcileResult {
    return reconcile({
      self: this.options.nodeName,
      pod: this.options.pod,
      service,
      known: this.desired.owners.has(service),
      owner: this.desired.owners.get(service),
      interfaces: this.desired.interfaces.get(service) ?? [],
      liveNodes: this.liveNodes,
      lowestLiveNode: this.lowestLiveNode,
      objects: this.objectsOf(service),
      nowMs: this.parts.clock.now(),
      ownedSinceMs: this.ownedSince.get(service),
      peerGraceMs: this.tunables.peerGraceMs,
      eventPending: this.eventPending.has(service),
      refusalPending: this.refusalPending.get(service),
    });
  }

  private next(service: string): NextRequest {
    const { ops, recheckAtMs } = this.plan(service);
    const op = ops[0];
    const request = op === undefined ? undefined : () => this.writer.run(service, op);
    return { request, recheckAtMs };
  }

  /** Every node sees the same refusals: only the lowest-named live one records each new reason. */
  private noteRefusals(refusals: ReadonlyMap<string, string>): void {
    for (const [service, reason] of refusals) {
      if (this.refusalSeen.get(service) === reason) continue;
      this.refusalSeen.set(service, reason);
      if (this.lowestLiveNode === this.options.nodeName) this.refusalPending.set(service, reason);
    }
    for (const service of [...this.refusalSeen.keys()])
      if (!refusals.has(service)) {
        this.refusalSeen.delete(service);
        this.refusalPending.delete(service);
      }
  }

  /** Marks every service (desired or observed) that has work, or a recheck to come. */
  private checkAll(): void {
    const services = new Set([...this.desired.owners.keys(), ...this.observed.services()]);
    this.touch(services, false);
  }

  private touch(services: Iterable<string>, fromWatch: boolean): void {
    if (fromWatch) this.watch.healthy();
    if (!this.synced || this.closed) return;
    for (const service of services) {
      const { ops, recheckAtMs } = this.plan(service);
      if (ops.length > 0) this.queue.mark(service);
      else if (recheckAtMs !== undefined) this.queue.mark(service, recheckAtMs);
    }
  }

  private onSync(objects: readonly StatusObject[]): void {
    const touched = this.observed.replaceAll(objects);
    const first = !this.synced;
    this.synced = true;
    this.watch.healthy();
    if (first) this.checkAll();
    else this.touch(touched, false);
  }

  private scheduleResync(): void {
    if (this.tunables.resyncMs <= 0 || this.closed) return;
    this.resyncTimer = this.parts.clock.setTimer(() => {
      this.counters.resyncs++;
      this.touch(this.observed.expire(this.parts.clock.now()), false);
      this.checkAll();
      this.scheduleResync();
    }, this.tunables.resyncMs);
  }

  private breakerChanged(open: boolean, error: StatusApiError | undefined): void {
    if (open) {
      this.counters.breakerOpened++;
      this.parts.logger.warn('API server unreachable: status writes paused, probing', {
        error: error?.message,
      });
    } else {
      this.parts.logger.info('API server reachable again: status writes resumed');
      this.watch.serverBack();
    }
  }

  /** Logged once per change of a service's error kind; server-down kinds are the breaker's to log. */
  private keyFailed(service: string, error: StatusApiError): void {
    if (isServerDown(error.kind) || this.keyErrors.get(service) === error.kind) return;
    this.keyErrors.set(service, error.kind);
    this.parts.logger.warn('ServiceL2Status write failed, retrying with backoff', {
      service,
      kind: error.kind,
      operation: error.operation,
      target: error.target,
      error: error.message,
    });
  }

  private keyRecovered(service: string): void {
    if (!this.keyErrors.delete(service)) return;
    this.parts.logger.info('ServiceL2Status writes of the service succeed again', { service });
  }
}

export function createStatusPublisher(
  options: StatusPublisherOptions,
  parts: StatusComponents,
): StatusPublisher {
  return new Publisher(options, parts);
}
