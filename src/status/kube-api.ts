/**
 * StatusApi on @kubernetes/client-node 2.x (ESM-only: only kube.ts imports this file, never code that
 * Jest loads). Every request carries a timeout; PATCH carries an explicit merge-patch content type
 * (client-node would send json-patch); every failure becomes a StatusApiError. All requests share one
 * connection pool: client-node 2.0 gives each request a dispatcher of its own, so 20 writes/s kept ~100
 * TLS connections open to the API server (~34 MB of a speaker's memory at 10,000 services,
 * bench/k8s-memory.ts). The pool is the first dispatcher the kubeconfig made: its CA and client
 * certificate are read once (a token, sent as a header, is still refreshed per request).
 */
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { toStatusApiError, type StatusApiError } from './errors.ts';
import { LABEL_SERVICE_NAME } from './names.ts';
import type {
  L2Status,
  NewStatusObject,
  ServiceEvent,
  StatusApi,
  StatusObject,
  WatchHandlers,
} from './types.ts';

const GROUP = 'metallb.io';
const VERSION = 'v1beta1';
const PLURAL = 'servicel2statuses';
const MERGE_PATCH = 'application/merge-patch+json';

interface RawObject extends KubernetesObject {
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    interfaces?: { name?: string }[];
  };
}

export function fromRaw(raw: RawObject): StatusObject {
  const meta = raw.metadata ?? {};
  const status = raw.status;
  return {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    labels: meta.labels ?? {},
    ownerReferences: (meta.ownerReferences ?? []).map((r) => ({ kind: r.kind, name: r.name, uid: r.uid })),
    ...(status === undefined
      ? {}
      : {
          status: {
            node: status.node,
            serviceName: status.serviceName,
            serviceNamespace: status.serviceNamespace,
            interfaces: status.interfaces?.map((i) => i.name ?? ''),
          },
        }),
  };
}

export interface KubeStatusApiOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Every request gives up after this long (default 5 s): a hung server looks down, not slow. */
  readonly requestTimeoutMs?: number;
  /**
   * The breaker's probe waits this long (default 20 s): a stopped server answers it the moment it
   * resumes, and a probe that waits is a probe not repeated.
   */
  readonly probeTimeoutMs?: number;
  /** Event source component (default "l2speaker"). */
  readonly component?: string;
}

export function kubeStatusApi(options: KubeStatusApiOptions): StatusApi {
  const { kubeConfig, namespace } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 20_000;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const where = { group: GROUP, version: VERSION, namespace, plural: PLURAL };
  let pool: ReturnType<RequestContext['getDispatcher']>;

  const call = (contentType?: string, timeoutMs = requestTimeoutMs): ConfigurationOptions => ({
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          pool ??= ctx.getDispatcher();
          if (pool !== undefined) ctx.setDispatcher(pool);
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          if (contentType !== undefined) ctx.setHeaderParam('Content-Type', contentType);
          return new Observable(Promise.resolve(ctx));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
  });
  const guard = async <T>(operation: string, target: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toStatusApiError(err, operation, target);
    }
  };

  return {
    create: (object: NewStatusObject) =>
      guard('create', object.name, async () => {
        const owner = object.owner;
        const metadata = {
          name: object.name,
          namespace,
          labels: { ...object.labels },
          ...(owner === undefined ? {} : { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', ...owner }] }),
        };
        const body = { apiVersion: `${GROUP}/${VERSION}`, kind: 'ServiceL2Status', metadata };
        return fromRaw((await custom.createNamespacedCustomObject({ ...where, body }, call())) as RawObject);
      }),
    patchStatus: (name: string, resourceVersion: string, status: L2Status) =>
      guard('patchStatus', name, async () => {
        const interfaces =
          status.interfaces === undefined ? null : status.interfaces.map((n) => ({ name: n }));
        const body = { metadata: { resourceVersion }, status: { ...status, interfaces } };
        const raw = await custom.patchNamespacedCustomObjectStatus(
          { ...where, name, body },
          call(MERGE_PATCH),
        );
        return fromRaw(raw as RawObject);
      }),
    delete: (name: string, uid: string) =>
      guard('delete', name, async () => {
        await custom.deleteNamespacedCustomObject(
          { ...where, name, body: { preconditions: { uid } } },
          call(),
        );
      }),
    get: (name: string) =>
      guard('get', name, async () => {
        try {
          return fromRaw((await custom.getNamespacedCustomObject({ ...where, name }, call())) as RawObject);
        } catch (err) {
          if (err instanceof ApiException && err.code === 404) return undefined;
          throw err;
        }
      }),
    createEvent: (event: ServiceEvent) =>
      guard('event', `${event.serviceNamespace}/${event.serviceName}`, () => postEvent(event)),
    watch: (handlers: WatchHandlers) => watchStatuses(handlers),
    probe: () =>
      guard('probe', '', async () => {
        await custom.listNamespacedCustomObject({ ...where, limit: 1 }, call(undefined, probeTimeoutMs));
      }),
  };

  async function postEvent(event: ServiceEvent): Promise<void> {
    const time = new Date(event.timeMs);
    const body = {
      metadata: { name: event.name, namespace: event.serviceNamespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Service',
        namespace: event.serviceNamespace,
        name: event.serviceName,
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: options.component ?? 'l2speaker', host: event.node },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    await core.createNamespacedEvent({ namespace: event.serviceNamespace, body }, call());
  }

  function watchStatuses(handlers: WatchHandlers) {
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
    const list = () =>
      custom.listNamespacedCustomObject({ ...where, labelSelector: LABEL_SERVICE_NAME }, call()) as Promise<{
        items: RawObject[];
        metadata?: { resourceVersion?: string };
      }>;
    const informer = makeInformer<RawObject>(kubeConfig, path, list, LABEL_SERVICE_NAME);
    let starting = false;
    let startError: StatusApiError | undefined;
    informer.on('add', (raw) => handlers.onUpsert(fromRaw(raw)));
    informer.on('update', (raw) => handlers.onUpsert(fromRaw(raw)));
    informer.on('delete', (raw) => handlers.onDelete(fromRaw(raw)));
    informer.on('error', (err) => {
      const error = toStatusApiError(err, 'watch', '');
      if (starting) startError = error;
      else handlers.onError(error);
    });
    return {
      start: async () => {
        starting = true;
        startError = undefined;
        try {
          await informer.start();
        } finally {
          starting = false;
        }
        if (startError !== undefined) throw startError;
        handlers.onSync(informer.list().map(fromRaw));
      },
      stop: () => informer.stop(),
    };
  }
}
