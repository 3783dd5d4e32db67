import {
  startClusterSources,
  type KubeApi,
  type RawObject,
  type SourceLogger,
  type WatchEventType,
} from '../../../src/k8s/index.ts';

type Listener = (type: WatchEventType, object: RawObject) => void;

/** Collections by path; each watch is kept so the test can send events to it. */
class PathApi implements KubeApi {
  readonly collections = new Map<string, RawObject[]>();
  readonly watchers = new Map<string, Listener>();
  readonly gated = new Set<string>();

  async list(path: string) {
    while (this.gated.has(path)) await new Promise((r) => setTimeout(r, 2));
    return { items: this.collections.get(path) ?? [], resourceVersion: '1', continueToken: undefined };
  }

  async watch(path: string, _query: unknown, onEvent: Listener) {
    this.watchers.set(path, onEvent);
    return { abort: () => undefined };
  }

  async get() {
    return undefined;
  }

  emit(path: string, type: WatchEventType, object: RawObject): void {
    const listener = this.watchers.get(path);
    if (listener === undefined) throw new Error(`no watch on ${path}`);
    listener(type, object);
  }
}

const NS = 'metallb-system';
const paths = {
  services: '/api/v1/services',
  nodes: '/api/v1/nodes',
  pools: `/apis/metallb.io/v1beta1/namespaces/${NS}/ipaddresspools`,
  ads: `/apis/metallb.io/v1beta1/namespaces/${NS}/l2advertisements`,
  pods: `/api/v1/namespaces/${NS}/pods`,
  configmaps: `/api/v1/namespaces/${NS}/configmaps`,
};
const service = (name: string, rv: string, ip: string): RawObject => ({
  metadata: { name, namespace: 'default', resourceVersion: rv },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip }] } },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logger(): SourceLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

test('no model before every kind listed; then debounced models that keep unchanged objects', async () => {
  const api = new PathApi();
  api.collections.set(paths.services, [service('a', '1', '192.0.2.1'), service('b', '1', '192.0.2.300')]);
  api.collections.set(paths.pools, [
    { metadata: { name: 'p', namespace: NS, resourceVersion: '1' }, spec: { addresses: ['192.0.2.0/28'] } },
  ]);
  api.gated.add(paths.nodes);
  const log = logger();
  const sources = startClusterSources(api, { namespace: NS, logger: log, debounceMs: 5, maxDelayMs: 50 });
  const models: unknown[] = [];
  sources.onModel((model) => models.push(model));
  let synced = false;
  void sources.synced.then(() => (synced = true));
  await sleep(30);
  expect(synced).toBe(false);
  expect(sources.model().services).toEqual([]);
  api.gated.delete(paths.nodes);
  await sources.synced;
  expect(models).toHaveLength(1);
  const first = sources.model();
  expect(first.services.map((s) => s.metadata.name)).toEqual(['a']);
  expect(first.pools.map((p) => p.metadata.name)).toEqual(['p']);
  expect(log.warnings).toEqual(['object skipped: invalid']);

  api.emit(paths.services, 'ADDED', service('c', '2', '192.0.2.3'));
  api.emit(paths.services, 'MODIFIED', service('c', '3', '192.0.2.4'));
  api.emit(paths.services, 'MODIFIED', service('a', '1', '192.0.2.1'));
  await sleep(30);
  expect(models).toHaveLength(2);
  const second = sources.model();
  expect(second.services.map((s) => s.status.ingressIPs[0])).toEqual(['192.0.2.1', '192.0.2.4']);
  expect(second.services[0]).toBe(first.services[0]);
  expect(second.pools).toBe(first.pools);

  // The server's list now holds what the watch said: a relist changes nothing, not even the model object.
  api.collections.set(paths.services, [
    service('a', '1', '192.0.2.1'),
    service('b', '1', '192.0.2.300'),
    service('c', '3', '192.0.2.4'),
  ]);
  sources.relist();
  await sleep(30);
  expect(sources.model()).toBe(second);
  expect(models).toHaveLength(2);
  await sources.close();
});

test('speaker pods with --ml-labels, and the excludel2 ConfigMap as it changes', async () => {
  const api = new PathApi();
  api.collections.set(paths.pods, [
    { metadata: { name: 's-a', resourceVersion: '1' }, status: { podIP: '192.0.2.11' } },
  ]);
  const log = logger();
  const sources = startClusterSources(api, {
    namespace: NS,
    speakerLabels: 'app=l2',
    logger: log,
    debounceMs: 1,
  });
  const seen: string[][] = [];
  sources.onSpeakerPods((pods) => seen.push(pods.map((p) => p.name)));
  await sources.synced;
  await sleep(10);
  expect(sources.speakerPods().map((p) => p.ip)).toEqual(['192.0.2.11']);
  api.emit(paths.pods, 'ADDED', {
    metadata: { name: 's-b', resourceVersion: '2' },
    status: { podIP: '192.0.2.12' },
  });
  expect(seen.at(-1)).toEqual(['s-a', 's-b']);

  expect(sources.excludedInterfaces()).toEqual([]);
  const configMap = (rv: string, text: string): RawObject => ({
    metadata: { name: 'metallb-excludel2', namespace: NS, resourceVersion: rv },
    data: { 'excludel2.yaml': text },
  });
  api.emit(paths.configmaps, 'ADDED', configMap('1', 'announcedInterfacesToExclude: ["^eth1$"]'));
  expect(sources.excludedInterfaces().map((p) => p.source)).toEqual(['^eth1$']);
  api.emit(paths.configmaps, 'MODIFIED', configMap('2', 'announcedInterfacesToExclude: ["("]'));
  expect(sources.excludedInterfaces()).toEqual([]);
  expect(log.warnings).toContain('excludel2 ConfigMap ignored: invalid');
  await sources.close();
});
