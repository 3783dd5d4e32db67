/**
 * The write rules, as one pure function: desired state + the observed objects of one service -> the
 * writes this node should make, in order. The queue runs the first, then asks again with what it
 * learned, so a move is create, status, delete (docs/status.md, "Who writes what").
 */
import { sameList } from './changes.ts';
import { LABEL_NODE, objectName, parseServiceKey, statusLabels } from './names.ts';
import type { L2Status, StatusObject, WriteOp } from './types.ts';

export interface ReconcileInput {
  readonly self: string;
  readonly pod?: { readonly name: string; readonly uid: string };
  /** "namespace/name". */
  readonly service: string;
  /** The service is in this node's desired owners (a LoadBalancer service it knows). */
  readonly known: boolean;
  readonly owner: string | undefined;
  /** Interfaces this node answers on for the service (used only when it owns it). */
  readonly interfaces: readonly string[];
  readonly liveNodes: ReadonlySet<string>;
  /** The lowest-named live node: it deletes objects that no live node is responsible for. */
  readonly lowestLiveNode: string | undefined;
  /** Observed objects labelled with this service. */
  readonly objects: readonly StatusObject[];
  readonly nowMs: number;
  /** When this node became the owner (its own view); undefined when it is not. */
  readonly ownedSinceMs: number | undefined;
  /** How long the owner leaves a live node's object to that node before deleting it itself. */
  readonly peerGraceMs: number;
  /** This node created the record for a node change and has not yet written the Event. */
  readonly eventPending: boolean;
  /** A refusal this node is to record as an announceRefused Event. */
  readonly refusalPending?: string;
}

export interface ReconcileResult {
  readonly ops: readonly WriteOp[];
  /** Ask again then: a live node's object becomes this owner's to delete. */
  readonly recheckAtMs?: number;
}

type FullStatus = Extract<WriteOp, { verb: 'patchStatus' }>['status'];

export function desiredStatus(self: string, service: string, interfaces: readonly string[]): FullStatus {
  const { namespace, name } = parseServiceKey(service);
  const names = [...new Set(interfaces)].sort();
  const base = { node: self, serviceName: name, serviceNamespace: namespace };
  return names.length === 0 ? base : { ...base, interfaces: names };
}

/** A field under `self == oldSelf` that is set and differs: the object can only be replaced. */
export function immutableMismatch(observed: L2Status | undefined, want: FullStatus): boolean {
  if (observed === undefined) return false;
  const differs = (a: string | undefined, b: string): boolean => a !== undefined && a !== b;
  return (
    differs(observed.node, want.node) ||
    differs(observed.serviceName, want.serviceName) ||
    differs(observed.serviceNamespace, want.serviceNamespace)
  );
}

export function statusEquals(observed: L2Status | undefined, want: FullStatus): boolean {
  if (observed === undefined) return false;
  return (
    observed.node === want.node &&
    observed.serviceName === want.serviceName &&
    observed.serviceNamespace === want.serviceNamespace &&
    sameList(observed.interfaces ?? [], want.interfaces ?? [])
  );
}

function metadataMatches(object: StatusObject, input: ReconcileInput): boolean {
  const { namespace, name } = parseServiceKey(input.service);
  const labels = statusLabels(namespace, name, input.self);
  if (Object.entries(labels).some(([key, value]) => object.labels[key] !== value)) return false;
  const pod = input.pod;
  return pod === undefined || object.ownerReferences.some((ref) => ref.kind === 'Pod' && ref.uid === pod.uid);
}

function ownerWrites(input: ReconcileInput): ReconcileResult {
  const { namespace, name } = parseServiceKey(input.service);
  const ownName = objectName(namespace, name, input.self);
  const want = desiredStatus(input.self, input.service, input.interfaces);
  const own = input.objects.find((o) => o.name === ownName);
  const ops: WriteOp[] = [];
  if (own === undefined) {
    const nodeChanged = !input.objects.some((o) => o.labels[LABEL_NODE] === input.self);
    const object = { name: ownName, labels: statusLabels(namespace, name, input.self), owner: input.pod };
    ops.push({ verb: 'create', object, nodeChanged });
  } else if (immutableMismatch(own.status, want)) {
    ops.push({ verb: 'delete', name: own.name, uid: own.uid, reason: 'immutable-mismatch' });
  } else if (!metadataMatches(own, input)) {
    ops.push({ verb: 'delete', name: own.name, uid: own.uid, reason: 'stale-owner' });
  } else if (!statusEquals(own.status, want)) {
    ops.push({ verb: 'patchStatus', name: own.name, resourceVersion: own.resourceVersion, status: want });
  }
  const ownReady = ops.length === 0;

  let recheckAtMs: number | undefined;
  const graceEnd = (input.ownedSinceMs ?? input.nowMs) + input.peerGraceMs;
  for (const other of input.objects) {
    if (other === own) continue;
    const node = other.labels[LABEL_NODE];
    if (node === input.self) {
      ops.push({ verb: 'delete', name: other.name, uid: other.uid, reason: 'duplicate' });
    } else if (node === undefined || !input.liveNodes.has(node) || input.nowMs >= graceEnd) {
      ops.push({ verb: 'delete', name: other.name, uid: other.uid, reason: 'other-node' });
    } else {
      recheckAtMs = graceEnd;
    }
  }
  if (ownReady && input.eventPending) ops.push({ verb: 'event', service: input.service, node: input.self });
  return recheckAtMs === undefined ? { ops } : { ops, recheckAtMs };
}

/** The writes this node makes for one service, first one first. */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const result = objectWrites(input);
  if (input.refusalPending === undefined) return result;
  const event = {
    verb: 'event',
    service: input.service,
    node: input.self,
    refusal: input.refusalPending,
  } as const;
  return { ...result, ops: [...result.ops, event] };
}

function objectWrites(input: ReconcileInput): ReconcileResult {
  if (input.known && input.owner === input.self) return ownerWrites(input);
  const unannounced = !input.known || input.owner === undefined;
  const ops: WriteOp[] = [];
  for (const object of input.objects) {
    const node = object.labels[LABEL_NODE];
    if (node === input.self) {
      ops.push({ verb: 'delete', name: object.name, uid: object.uid, reason: 'not-owner' });
    } else if (
      unannounced &&
      input.lowestLiveNode === input.self &&
      (node === undefined || !input.liveNodes.has(node))
    ) {
      ops.push({ verb: 'delete', name: object.name, uid: object.uid, reason: 'orphan' });
    }
  }
  return { ops };
}
