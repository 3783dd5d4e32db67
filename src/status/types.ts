/**
 * Plain data shared by the pure reconcile, the queue and the API edge. Nothing here does I/O.
 */
import type { StatusApiError } from './errors.ts';

export interface StatusDesired {
  /** Every LoadBalancer service this node knows, "namespace/name" -> the elected owner node, undefined when none may announce. */
  readonly owners: ReadonlyMap<string, string | undefined>;
  /** Interfaces this node answers on, per service it owns ("namespace/name"). */
  readonly interfaces: ReadonlyMap<string, readonly string[]>;
  /** Live member node names. */
  readonly liveNodes: readonly string[];
  /**
   * Services left unannounced by their configuration ("namespace/name" -> why), e.g. allow-shared-ip with
   * serviceSelectors: the lowest-named live node records a Warning Event once per new reason. Each is
   * a service of `owners`.
   */
  readonly refusals?: ReadonlyMap<string, string>;
}

/** The `status` of a ServiceL2Status as l2speaker reads and writes it (interface names only). */
export interface L2Status {
  readonly node?: string;
  readonly serviceName?: string;
  readonly serviceNamespace?: string;
  /** Undefined when the field is absent (MetalLB: announced on every interface). */
  readonly interfaces?: readonly string[];
}

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

/** A ServiceL2Status as observed (informer, GET, or the answer to our own write). */
export interface StatusObject {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerReferences: readonly OwnerRef[];
  readonly status?: L2Status;
}

/** What create() posts: the server drops `status`, so it is written afterwards through /status. */
export interface NewStatusObject {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The speaker Pod, when known (apiVersion v1, kind Pod). */
  readonly owner?: { readonly name: string; readonly uid: string };
}

/**
 * An Event on a Service: Normal nodeAssigned (as MetalLB's speaker records it), or Warning
 * announceRefused when the configuration keeps every node from announcing it.
 */
export interface ServiceEvent {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  readonly node: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'nodeAssigned' | 'announceRefused';
  readonly message: string;
  /** Event object name, unique per write. */
  readonly name: string;
  readonly timeMs: number;
}

export type WriteOp =
  | { readonly verb: 'create'; readonly object: NewStatusObject; readonly nodeChanged: boolean }
  | {
      readonly verb: 'patchStatus';
      readonly name: string;
      readonly resourceVersion: string;
      readonly status: Required<Pick<L2Status, 'node' | 'serviceName' | 'serviceNamespace'>> & L2Status;
    }
  | { readonly verb: 'delete'; readonly name: string; readonly uid: string; readonly reason: DeleteReason }
  | {
      readonly verb: 'event';
      readonly service: string;
      readonly node: string;
      /** Set for an announceRefused Event: why the service is not announced. */
      readonly refusal?: string;
    };

export type DeleteReason =
  | 'not-owner' // this node's object, the service is not (or no longer) announced from here
  | 'other-node' // the owner removes another node's object
  | 'duplicate' // this node's object under a name that is not the deterministic one
  | 'immutable-mismatch' // status.node/serviceName/serviceNamespace differ: never patched, replaced
  | 'stale-owner' // owner reference to a replaced Pod, or labels that do not match
  | 'orphan'; // service unknown (deleted) or unannounced, its node not live: lowest live node cleans up

export type WriteVerb = WriteOp['verb'];

/** Handlers the watch delivers to; `onSync` replaces the whole view (initial list, relist). */
export interface WatchHandlers {
  onSync(objects: readonly StatusObject[]): void;
  onUpsert(object: StatusObject): void;
  onDelete(object: StatusObject): void;
  /** The watch stopped; the publisher restarts it after a backoff. */
  onError(error: StatusApiError): void;
}

export interface StatusWatch {
  /** Lists, delivers onSync, then watches. Rejects when the list fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The API server as the publisher needs it, for ServiceL2Status objects in one namespace. Every
 * rejection is a StatusApiError. Implemented over src/kubehttp in kube-api.ts, and by a
 * fake in the unit tests.
 */
export interface StatusApi {
  create(object: NewStatusObject): Promise<StatusObject>;
  /** Merge patch on /status, guarded by resourceVersion (409 when the object changed meanwhile). */
  patchStatus(name: string, resourceVersion: string, status: L2Status): Promise<StatusObject>;
  /** Delete with a uid precondition (409 when the name now holds another object). */
  delete(name: string, uid: string): Promise<void>;
  get(name: string): Promise<StatusObject | undefined>;
  watch(handlers: WatchHandlers): StatusWatch;
  createEvent(event: ServiceEvent): Promise<void>;
  /** One cheap read (a list of at most one object) with a long timeout: is the server answering? */
  probe(): Promise<void>;
}

export interface Timer {
  cancel(): void;
}

/** Injected time: tests drive it by hand. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): Timer;
}
