/**
 * ServiceL2Status publisher: one object per (service, announcing node) in the speaker's namespace,
 * with a deterministic name, MetalLB's labels and an owner reference to the speaker Pod. Immutable
 * fields are never patched (an object that differs in one is deleted and recreated); the owner creates
 * its object and deletes the others, a node that loses a service deletes its own (docs/status.md).
 * Writes go through one rate-limited, coalescing queue with per-service backoff and one circuit breaker
 * for the API server; update() never waits for any of it.
 *
 * The publisher runs on any StatusApi: kubeStatusApi is the real one (src/kubehttp), tests use fakes.
 *
 * @example
 *   const publisher = startStatusPublisher({ http, namespace: 'metallb-system', nodeName: 'node-a', pod, logger });
 *   // or, on any StatusApi: createStatusPublisher({ nodeName: 'node-a' }, { api, clock: systemClock, logger })
 *   publisher.update({
 *     owners: new Map([['default/web', 'node-a']]),
 *     interfaces: new Map([['default/web', ['eth0']]]),
 *     liveNodes: ['node-a', 'node-b'],
 *   });
 *   publisher.stats().writes.create.ok; // 1 once the API server answered
 *   reconcile({ ...input }); // the pure write rules: [{ verb: 'create', ... }]
 */
export { createStatusPublisher } from './publisher.ts';
export { startStatusPublisher, type StartStatusPublisherOptions } from './kube.ts';
export { kubeStatusApi, type KubeStatusApiOptions } from './kube-api.ts';
export { statusWatch, type StatusWatchTarget } from './kube-watch.ts';
export type { StatusComponents, StatusPublisher, StatusPublisherOptions } from './publisher.ts';
export { reconcile, desiredStatus, immutableMismatch, statusEquals } from './reconcile.ts';
export type { ReconcileInput, ReconcileResult } from './reconcile.ts';
export { objectName, statusLabels, serviceOf, parseServiceKey, isValidObjectName } from './names.ts';
export { LABEL_NODE, LABEL_SERVICE_NAME, LABEL_SERVICE_NAMESPACE, MAX_NAME_LENGTH } from './names.ts';
export {
  StatusApiError,
  StatusOptionError,
  kindOfStatus,
  parseRetryAfter,
  isServerDown,
  toStatusApiError,
} from './errors.ts';
export type { ApiErrorKind } from './errors.ts';
export { DEFAULT_TUNABLES, resolveTunables } from './options.ts';
export type { StatusTunables } from './options.ts';
export { WRITE_OUTCOMES, WRITE_VERBS } from './stats.ts';
export type { StatusStats, WriteOutcome } from './stats.ts';
export { CircuitBreaker, TokenBucket, backoffMs } from './limits.ts';
export { WriteQueue } from './queue.ts';
export { systemClock } from './clock.ts';
export type {
  Clock,
  DeleteReason,
  L2Status,
  NewStatusObject,
  OwnerRef,
  ServiceEvent,
  StatusApi,
  StatusDesired,
  StatusObject,
  StatusWatch,
  Timer,
  WatchHandlers,
  WriteOp,
  WriteVerb,
} from './types.ts';
