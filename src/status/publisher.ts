/**
 * The publisher: keeps the latest desired state, the observed objects (watch + our answers), and feeds
 * services whose objects differ from the rules into the write queue. update() only records and marks;
 * all I/O happens later, in the queue, so the data plane never waits for the API server. update()
 * re-plans only the services its change can affect (its cost follows the change, not the cluster);
 * the watch, the queue's answers and rechecks, and the periodic resync cover the rest.
 */
import type winston from 'winston';
import { DesiredState } from './desired-state.ts';
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
  /**
   * Records the desired state; never blocks, never throws for API trouble. Its maps and lists must
   * not be changed afterwards: the next update() is compared with them.
   */
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
  /**
   * Re-plan every service on each update(), not only those it can affect: the reference the incremental
   * update is tested and benchmarked against.
   */
  readonly checkEverything?: boolean;
}

class Publisher implements StatusPublisher {
  private readonly state: DesiredState;
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
    this.state = new DesiredState(options.nodeName);
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
      eventPending: this.state.eventPending,
      refusalPending: this.state.refusalPending,
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
    const { services, nodes, cleanerChanged } = this.state.apply(desired, this.parts.clock.now());
    if (this.parts.checkEverything === true) return this.checkAll();
    // Objects naming a node that joined or left; and, when who deletes orphans changed, the orphans.
    for (const service of this.observed.servicesOnNodes(nodes)) services.add(service);
    if (cleanerChanged)
      for (const service of this.observed.servicesOffNodes(this.state.liveNodes)) services.add(service);
    this.touch(services, false);
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
    const { desired, liveNodes, lowestLiveNode, ownedSince, eventPending, refusalPending } = this.state;
    return reconcile({
      self: this.options.nodeName,
      pod: this.options.pod,
      service,
      known: desired.owners.has(service),
      owner: desired.owners.get(service),
      interfaces: desired.interfaces.get(service) ?? [],
      liveNodes,
      lowestLiveNode,
      objects: this.objectsOf(service),
      nowMs: this.parts.clock.now(),
      ownedSinceMs: ownedSince.get(service),
      peerGraceMs: this.tunables.peerGraceMs,
      eventPending: eventPending.has(service),
      refusalPending: refusalPending.get(service),
    });
  }

  private next(service: string): NextRequest {
    const { ops, recheckAtMs } = this.plan(service);
    const op = ops[0];
    const request = op === undefined ? undefined : () => this.writer.run(service, op);
    return { request, recheckAtMs };
  }

  /** Marks every service (desired or observed) that has work, or a recheck to come. */
  private checkAll(): void {
    const services = new Set([...this.state.desired.owners.keys(), ...this.observed.services()]);
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
