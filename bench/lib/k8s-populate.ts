/**
 * Fills a test API server (test/k8s) with many LoadBalancer Services, fast: a keep-alive HTTPS agent,
 * a bounded number of requests in flight, and no client library. Each Service gets its ingress IP
 * through the status subresource and one EndpointSlice with a ready endpoint on a node (no controller
 * runs in the test server: nobody else writes them); optionally the ServiceL2Status objects a speaker
 * would have written for them.
 *
 * @example
 *   const sender = kubeSender(access, 16); // access.socketPath: through the server's Unix socket
 *   await createPoolAndAdvertisement(sender.send, 'metallb-system', ['2001:db8:100::/104']);
 *   await createLoadBalancerServices(sender.send, 16, {
 *     count: 10_000, namespace: 'bench', vip: (i) => `2001:db8:100::${(i + 1).toString(16)}`,
 *     endpoint: '2001:db8:7::1', nodeOf: () => 'node-a', localEvery: 10,
 *   });
 *   sender.close();
 */
import { Agent, request } from 'node:https';
import type { KubeAccess } from '../../test/k8s/kube-request.ts';
import { objectName, statusLabels } from '../../src/status/index.ts';
import { BenchError } from './errors.ts';

/** One request; resolves with the HTTP status (2xx or 409: already there), rejects otherwise. */
export type KubeSend = (method: string, path: string, body: unknown, contentType?: string) => Promise<number>;

export interface KubeSender {
  readonly send: KubeSend;
  /** Closes the agent's idle connections. */
  close(): void;
}

/** Requests with `access`'s token over at most `concurrency` kept-alive connections. */
export function kubeSender(access: KubeAccess, concurrency: number): KubeSender {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: access.ca });
  const send: KubeSend = (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(path, access.server),
        {
          method,
          agent,
          ca: access.ca,
          socketPath: access.socketPath,
          headers: { Authorization: `Bearer ${access.token}`, 'Content-Type': contentType },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 300 || status === 409) resolve(status);
            else reject(new BenchError(`${method} ${path}`, `HTTP ${status} ${text.slice(0, 300)}`));
          });
        },
      );
      req.on('error', (err) => reject(new BenchError(`${method} ${path}`, err.message)));
      req.end(JSON.stringify(body));
    });
  return { send, close: () => agent.destroy() };
}

/** Runs work(0) … work(count - 1) with at most `concurrency` of them at once. */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** One IPAddressPool and one L2Advertisement (no selectors: every node, every interface), both `bench`. */
export async function createPoolAndAdvertisement(
  send: KubeSend,
  namespace: string,
  addresses: readonly string[],
): Promise<void> {
  await send('POST', `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'bench' },
    spec: { addresses },
  });
  await send('POST', `/apis/metallb.io/v1beta1/namespaces/${namespace}/l2advertisements`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: 'bench' },
  });
}

export interface ServiceSet {
  readonly count: number;
  /** Where the Services and their EndpointSlices go (it must exist). */
  readonly namespace: string;
  /** The ingress IP of Service i (IPv6: the Services are IPv6 single-stack, see test/k8s/README.md). */
  readonly vip: (i: number) => string;
  /** The ready endpoint's address (IPv6). */
  readonly endpoint: string;
  /** The node of Service i's endpoint. */
  readonly nodeOf: (i: number) => string;
  /** Every n-th Service has externalTrafficPolicy Local (each takes a health-check NodePort: 2,768 exist). */
  readonly localEvery?: number;
}

/** Services svc-0 … svc-(count-1) of type LoadBalancer, their ingress IPs and EndpointSlices. */
export async function createLoadBalancerServices(
  send: KubeSend,
  concurrency: number,
  set: ServiceSet,
): Promise<void> {
  const base = `/api/v1/namespaces/${set.namespace}`;
  await inParallel(set.count, concurrency, async (i) => {
    const name = `svc-${i}`;
    const local = set.localEvery !== undefined && i % set.localEvery === 0;
    await send('POST', `${base}/services`, {
      metadata: { name, labels: { app: name } },
      spec: {
        type: 'LoadBalancer',
        ipFamilies: ['IPv6'],
        ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: false,
        externalTrafficPolicy: local ? 'Local' : 'Cluster',
        selector: { app: name },
        ports: [{ port: 80, protocol: 'TCP' }],
      },
    });
    await send(
      'PATCH',
      `${base}/services/${name}/status`,
      { status: { loadBalancer: { ingress: [{ ip: set.vip(i) }] } } },
      'application/merge-patch+json',
    );
    await send('POST', `/apis/discovery.k8s.io/v1/namespaces/${set.namespace}/endpointslices`, {
      metadata: { name: `${name}-x1`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv6',
      endpoints: [{ addresses: [set.endpoint], conditions: { ready: true }, nodeName: set.nodeOf(i) }],
      ports: [{ port: 80, protocol: 'TCP' }],
    });
  });
}

export interface StatusSet {
  readonly count: number;
  /** The Services' namespace (svc-0 … svc-(count-1)). */
  readonly namespace: string;
  /** The speakers' namespace, where the ServiceL2Status objects live. */
  readonly speakerNamespace: string;
  readonly node: string;
  /** The speaker Pod that owns them (its owner reference). */
  readonly pod: { readonly name: string; readonly uid: string };
  readonly interfaces: readonly string[];
}

/**
 * The ServiceL2Status objects `node`'s speaker writes for svc-0 … svc-(count-1), as it would have left
 * them: a speaker that starts finds its status already written (steady state, as after a restart).
 */
export async function createServiceL2Statuses(
  send: KubeSend,
  concurrency: number,
  set: StatusSet,
): Promise<void> {
  const base = `/apis/metallb.io/v1beta1/namespaces/${set.speakerNamespace}/servicel2statuses`;
  await inParallel(set.count, concurrency, async (i) => {
    const service = `svc-${i}`;
    const name = objectName(set.namespace, service, set.node);
    await send('POST', base, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'ServiceL2Status',
      metadata: {
        name,
        labels: statusLabels(set.namespace, service, set.node),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', ...set.pod }],
      },
    });
    const status = {
      node: set.node,
      serviceName: service,
      serviceNamespace: set.namespace,
      interfaces: set.interfaces.map((iface) => ({ name: iface })),
    };
    await send('PATCH', `${base}/${name}/status`, { status }, 'application/merge-patch+json');
  });
}
