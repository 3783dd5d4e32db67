/**
 * StatusApi on the API client (src/kubehttp): plain JSON requests over the process's one connection
 * pool, each with a timeout; the status is written with a merge patch on the /status subresource and
 * deletes carry a uid precondition; every failure becomes a StatusApiError.
 */
import { kubeApi } from '../k8s/index.ts';
import { jsonOf, type KubeHttp, type KubeMethod } from '../kubehttp/index.ts';
import { StatusApiError, toStatusApiError } from './errors.ts';
import { LABEL_SERVICE_NAME } from './names.ts';
import { fromRaw, type RawStatusObject } from './raw.ts';
import { statusWatch } from './kube-watch.ts';
import type { L2Status, NewStatusObject, ServiceEvent, StatusApi, StatusObject } from './types.ts';

const API_VERSION = 'metallb.io/v1beta1';
const MERGE_PATCH = 'application/merge-patch+json';

export interface KubeStatusApiOptions {
  readonly http: KubeHttp;
  readonly namespace: string;
  /** Every request gives up after this long (default 5 s): a hung server looks down, not slow. */
  readonly requestTimeoutMs?: number;
  /**
   * The breaker's probe waits this long (default 20 s): a stopped server answers it the moment it
   * resumes, and a probe that waits is a probe not repeated.
   */
  readonly probeTimeoutMs?: number;
  /** Server-side timeout of the ServiceL2Status watch, s (default 300); it is resumed when it ends. */
  readonly watchTimeoutSeconds?: number;
  /** Event source component (default "l2speaker"). */
  readonly component?: string;
}

export function kubeStatusApi(options: KubeStatusApiOptions): StatusApi {
  const { http, namespace } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const collection = `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/servicel2statuses`;
  const objectPath = (name: string): string => `${collection}/${encodeURIComponent(name)}`;

  /** Sends one request; a 2xx answer's JSON, else a StatusApiError for `operation` on `target`. */
  async function call(
    operation: string,
    target: string,
    method: KubeMethod,
    path: string,
    extra: { body?: unknown; contentType?: string; timeoutMs?: number } = {},
  ): Promise<unknown> {
    try {
      const answer = await http.send({ method, path, timeoutMs: requestTimeoutMs, ...extra });
      return jsonOf(method, path, answer);
    } catch (err) {
      throw toStatusApiError(err, operation, target);
    }
  }

  return {
    async create(object: NewStatusObject): Promise<StatusObject> {
      const owner = object.owner;
      const metadata = {
        name: object.name,
        namespace,
        labels: { ...object.labels },
        ...(owner === undefined ? {} : { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', ...owner }] }),
      };
      const body = { apiVersion: API_VERSION, kind: 'ServiceL2Status', metadata };
      return fromRaw((await call('create', object.name, 'POST', collection, { body })) as RawStatusObject);
    },
    async patchStatus(name: string, resourceVersion: string, status: L2Status): Promise<StatusObject> {
      const interfaces = status.interfaces === undefined ? null : status.interfaces.map((n) => ({ name: n }));
      const body = { metadata: { resourceVersion }, status: { ...status, interfaces } };
      const raw = await call('patchStatus', name, 'PATCH', `${objectPath(name)}/status`, {
        body,
        contentType: MERGE_PATCH,
      });
      return fromRaw(raw as RawStatusObject);
    },
    async delete(name: string, uid: string): Promise<void> {
      const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } };
      await call('delete', name, 'DELETE', objectPath(name), { body });
    },
    async get(name: string): Promise<StatusObject | undefined> {
      try {
        return fromRaw((await call('get', name, 'GET', objectPath(name))) as RawStatusObject);
      } catch (err) {
        if (err instanceof StatusApiError && err.kind === 'notFound') return undefined;
        throw err;
      }
    },
    async createEvent(event: ServiceEvent): Promise<void> {
      const time = new Date(event.timeMs).toISOString();
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
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
      const path = `/api/v1/namespaces/${encodeURIComponent(event.serviceNamespace)}/events`;
      await call('event', `${event.serviceNamespace}/${event.serviceName}`, 'POST', path, { body });
    },
    watch: (handlers) =>
      statusWatch(
        kubeApi(http, { requestTimeoutMs }),
        {
          path: collection,
          labelSelector: LABEL_SERVICE_NAME,
          timeoutSeconds: options.watchTimeoutSeconds ?? 300,
        },
        handlers,
      ),
    async probe(): Promise<void> {
      await call('probe', '', 'GET', `${collection}?limit=1`, {
        timeoutMs: options.probeTimeoutMs ?? 20_000,
      });
    },
  };
}
