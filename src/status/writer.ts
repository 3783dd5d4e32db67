/**
 * Sends one write and records what it taught us: the answer goes into the observed view (so the next
 * reconcile does not repeat it), a 409/422 is followed by a GET of the name, and every outcome is
 * counted. Errors are rethrown for the queue's backoff and breaker.
 */
import { StatusApiError } from './errors.ts';
import { parseServiceKey } from './names.ts';
import type { ObservedObjects } from './observed.ts';
import type { StatusCounters, WriteOutcome } from './stats.ts';
import type { Clock, ServiceEvent, StatusApi, WriteOp } from './types.ts';

export interface WriterParts {
  readonly api: StatusApi;
  readonly observed: ObservedObjects;
  readonly counters: StatusCounters;
  readonly clock: Clock;
  readonly random: () => number;
  /** Services whose nodeAssigned Event is due (added on a create for a node change). */
  readonly eventPending: Set<string>;
  /** Services whose announceRefused Event is due, with the reason. */
  readonly refusalPending: Map<string, string>;
  /** Called once per failed request, with the service it was for. */
  readonly failed: (service: string, error: StatusApiError) => void;
  readonly succeeded: (service: string) => void;
}

function outcomeOf(err: unknown): WriteOutcome {
  return err instanceof StatusApiError ? err.kind : 'other';
}

export function nodeAssignedEvent(
  service: string,
  node: string,
  nowMs: number,
  random: () => number,
): ServiceEvent {
  const { namespace, name } = parseServiceKey(service);
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return {
    serviceNamespace: namespace,
    serviceName: name,
    node,
    type: 'Normal',
    reason: 'nodeAssigned',
    message: `announcing from node "${node}" with protocol "layer2"`,
    name: `${name}.${nowMs.toString(16)}${suffix}`,
    timeMs: nowMs,
  };
}

export function refusalEvent(
  service: string,
  node: string,
  refusal: string,
  nowMs: number,
  random: () => number,
): ServiceEvent {
  const event = nodeAssignedEvent(service, node, nowMs, random);
  return { ...event, type: 'Warning', reason: 'announceRefused', message: `not announced: ${refusal}` };
}

export class Writer {
  private readonly parts: WriterParts;
  /** Services whose own object was replaced for a stale owner: the record's node did not change. */
  private readonly replacedOwn = new Set<string>();

  constructor(parts: WriterParts) {
    this.parts = parts;
  }

  /** The breaker's probe while the API server looks down. */
  async probe(): Promise<void> {
    this.parts.counters.requests++;
    this.parts.counters.requestsWhileBreakerOpen++;
    await this.parts.api.probe();
  }

  /** Runs `op` for `service`; rejects with the StatusApiError (after updating the view). */
  async run(service: string, op: WriteOp): Promise<void> {
    const { counters } = this.parts;
    counters.requests++;
    try {
      await this.send(service, op);
      counters.write(op.verb, 'ok');
      this.parts.succeeded(service);
    } catch (err) {
      const error =
        err instanceof StatusApiError ? err : new StatusApiError('other', op.verb, service, String(err));
      counters.write(op.verb, outcomeOf(error));
      if (op.verb === 'delete' && error.kind === 'notFound') {
        // Gone already (its node or the owner was first): the goal is reached.
        this.parts.observed.wrote(op.name, op.uid, undefined, this.parts.clock.now());
        this.parts.succeeded(service);
        return;
      }
      await this.learn(service, op, error);
      this.parts.failed(service, error);
      throw error;
    }
  }

  private async send(service: string, op: WriteOp): Promise<void> {
    const { api, observed, clock } = this.parts;
    switch (op.verb) {
      case 'create': {
        const created = await api.create(op.object);
        observed.wrote(created.name, created.uid, created, clock.now());
        if (op.nodeChanged && !this.replacedOwn.has(service)) this.parts.eventPending.add(service);
        this.replacedOwn.delete(service);
        return;
      }
      case 'patchStatus': {
        const patched = await api.patchStatus(op.name, op.resourceVersion, op.status);
        observed.wrote(patched.name, patched.uid, patched, clock.now());
        return;
      }
      case 'delete':
        await api.delete(op.name, op.uid);
        observed.wrote(op.name, op.uid, undefined, clock.now());
        this.parts.counters.deleted(op.reason);
        if (op.reason === 'stale-owner') this.replacedOwn.add(service);
        return;
      case 'event':
        if (op.refusal !== undefined) {
          await api.createEvent(refusalEvent(service, op.node, op.refusal, clock.now(), this.parts.random));
          this.parts.refusalPending.delete(service);
          return;
        }
        await api.createEvent(nodeAssignedEvent(service, op.node, clock.now(), this.parts.random));
        this.parts.eventPending.delete(service);
        return;
    }
  }

  /** After a failure: what does the name hold now? Events that cannot succeed are dropped. */
  private async learn(service: string, op: WriteOp, error: StatusApiError): Promise<void> {
    if (op.verb === 'event') {
      if (!['unavailable', 'serverError', 'throttled'].includes(error.kind)) {
        if (op.refusal === undefined) this.parts.eventPending.delete(service);
        else this.parts.refusalPending.delete(service);
      }
      return;
    }
    const name = op.verb === 'create' ? op.object.name : op.name;
    if (error.kind === 'notFound') {
      this.parts.observed.fetched(name, undefined, this.parts.clock.now());
    } else if (error.kind === 'alreadyExists' || error.kind === 'conflict' || error.kind === 'invalid') {
      await this.refresh(name);
    }
  }

  private async refresh(name: string): Promise<void> {
    const { api, observed, counters, clock } = this.parts;
    counters.requests++;
    try {
      observed.fetched(name, await api.get(name), clock.now());
      counters.gets.ok++;
    } catch (err) {
      // The write's own error is what the caller reports; this one is counted, and the watch or the
      // next attempt (after backoff) tells us the rest.
      counters.gets[outcomeOf(err)]++;
    }
  }
}
