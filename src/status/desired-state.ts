/**
 * The latest desired state and this node's bookkeeping over it: since when it owns each service, the
 * nodeAssigned and announceRefused Events it is to write. apply() takes the next state and tells what
 * changed, so the publisher re-plans those services only.
 */
import { changedInterfaces, changedNodes, changedOwners, lowest } from './changes.ts';
import type { StatusDesired } from './types.ts';

export interface DesiredChanges {
  /** Services whose owner, interfaces or pending refusal Event may differ. */
  readonly services: Set<string>;
  /** Nodes that joined or left the live set: services with objects naming them are planned again. */
  readonly nodes: ReadonlySet<string>;
  /** This node became, or stopped being, the lowest-named live node (who deletes orphaned objects). */
  readonly cleanerChanged: boolean;
}

const EMPTY: StatusDesired = { owners: new Map(), interfaces: new Map(), liveNodes: [] };
const NO_REFUSALS: ReadonlyMap<string, string> = new Map();

export class DesiredState {
  desired = EMPTY;
  liveNodes: ReadonlySet<string> = new Set<string>();
  lowestLiveNode: string | undefined;
  /** When this node became the owner, per service it owns. */
  readonly ownedSince = new Map<string, number>();
  /** Services whose nodeAssigned Event is due (the writer adds them when it creates for a node change). */
  readonly eventPending = new Set<string>();
  /** The refusal last seen per service, and those this node is to record as Events. */
  private readonly refusalSeen = new Map<string, string>();
  readonly refusalPending = new Map<string, string>();
  private readonly self: string;

  constructor(self: string) {
    this.self = self;
  }

  apply(desired: StatusDesired, nowMs: number): DesiredChanges {
    const before = this.desired;
    const services = new Set<string>();
    for (const service of changedOwners(before.owners, desired.owners)) {
      services.add(service);
      const known = desired.owners.has(service);
      if (!known || desired.owners.get(service) !== this.self) this.ownedSince.delete(service);
      else if (!this.ownedSince.has(service)) this.ownedSince.set(service, nowMs);
    }
    // The writer may have added one after its service was lost: it is due only while owned.
    for (const service of this.eventPending)
      if (!this.ownedSince.has(service)) this.eventPending.delete(service);
    for (const service of changedInterfaces(before.interfaces, desired.interfaces)) services.add(service);
    this.desired = desired;
    const wasCleaner = this.lowestLiveNode === this.self;
    const liveNodes = new Set(desired.liveNodes);
    const nodes = changedNodes(this.liveNodes, liveNodes);
    this.liveNodes = liveNodes;
    this.lowestLiveNode = lowest(liveNodes);
    const cleanerChanged = wasCleaner !== (this.lowestLiveNode === this.self);
    for (const service of this.noteRefusals(desired.refusals ?? NO_REFUSALS)) services.add(service);
    return { services, nodes, cleanerChanged };
  }

  /**
   * Every node sees the same refusals: only the lowest-named live one records each new reason.
   * Returns the services whose pending refusal Event changed.
   */
  private noteRefusals(refusals: ReadonlyMap<string, string>): string[] {
    const changed: string[] = [];
    for (const [service, reason] of refusals) {
      if (this.refusalSeen.get(service) === reason) continue;
      this.refusalSeen.set(service, reason);
      if (this.lowestLiveNode !== this.self) continue;
      this.refusalPending.set(service, reason);
      changed.push(service);
    }
    for (const service of [...this.refusalSeen.keys()])
      if (!refusals.has(service)) {
        this.refusalSeen.delete(service);
        if (this.refusalPending.delete(service)) changed.push(service);
      }
    return changed;
  }
}
