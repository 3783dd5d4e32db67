import {
  EXCLUDE_LB_LABEL,
  eligibleNodes,
  parseConfig,
  servingNodes,
  sharingRefusal,
  type Model,
  type Service,
} from '../../src/config/index.ts';

const members = ['node-a', 'node-b', 'node-c'];
const pools = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lan, labels: { tier: web } }
spec: { addresses: [192.0.2.0/24] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: dmz }
spec: { addresses: [198.51.100.0/24] }
`;
const everywhere = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: all }
`;

function service(name: string, extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop, labels: { app: ${name} }${extra} }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: 192.0.2.10 }] } }
`;
}

function local(name: string): string {
  return service(name).replace(
    'spec: { type: LoadBalancer }',
    'spec: { type: LoadBalancer, externalTrafficPolicy: Local }',
  );
}

function node(name: string, labels = '{}', conditions = '[]'): string {
  return `apiVersion: v1
kind: Node
metadata: { name: ${name}, labels: ${labels} }
spec: { unschedulable: true }
status: { conditions: ${conditions} }
`;
}

function slice(svc: string, endpoints: string, namespace = 'shop'): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${svc}-x, namespace: ${namespace}, labels: { kubernetes.io/service-name: ${svc} } }
addressType: IPv4
endpoints: ${endpoints}
`;
}

function model(...docs: string[]): Model {
  return parseConfig([pools, ...docs].join('---\n'), 'eligibility.yaml');
}

function web(m: Model): Service {
  const svc = m.services.find((s) => s.metadata.name === 'web');
  if (svc === undefined) throw new Error('no web service');
  return svc;
}

function names(m: Model, opts = {}): string[] {
  return eligibleNodes(m, web(m), members, opts).map((c) => c.name);
}

describe('eligibleNodes: endpoints', () => {
  test('a service no EndpointSlice names has an endpoint everywhere (standalone default)', () => {
    const m = model(everywhere, service('web'));
    expect(servingNodes(m, web(m))).toBe('anywhere');
    expect(eligibleNodes(m, web(m), members)).toEqual([
      { name: 'node-a', weight: 0 },
      { name: 'node-b', weight: 0 },
      { name: 'node-c', weight: 0 },
    ]);
  });
  test('once a slice names the service, no endpoint that can serve means nobody announces', () => {
    const none = slice('web', '[{ nodeName: node-a, conditions: { ready: false, serving: false } }]');
    expect(names(model(everywhere, service('web'), none))).toEqual([]);
    expect(names(model(everywhere, service('web'), slice('web', '[]')))).toEqual([]);
  });
  test('ready (absent = ready) or serving (even terminating) is enough, as MetalLB', () => {
    expect(names(model(everywhere, service('web'), slice('web', '[{ nodeName: node-a }]')))).toEqual(members);
    const terminating = '[{ conditions: { ready: false, serving: true, terminating: true } }]';
    expect(names(model(everywhere, service('web'), slice('web', terminating)))).toEqual(members);
    const notReady = '[{ conditions: { ready: false } }]';
    expect(names(model(everywhere, service('web'), slice('web', notReady)))).toEqual([]);
  });
  test('a slice of another namespace or service does not count', () => {
    const ready = '[{ nodeName: node-a }]';
    expect(names(model(everywhere, service('web'), slice('web', ready, 'other')))).toEqual(members);
    expect(names(model(everywhere, service('web'), slice('api', '[]')))).toEqual(members);
  });
  test('Local: only members running an endpoint that can serve', () => {
    const eps = slice(
      'web',
      '[{ nodeName: node-b }, { nodeName: node-c, conditions: { ready: false, serving: false } }, { conditions: {} }]',
    );
    expect(names(model(everywhere, local('web'), eps))).toEqual(['node-b']);
    expect(names(model(everywhere, local('web')))).toEqual(members);
    expect(names(model(everywhere, local('web'), slice('web', '[{ conditions: {} }]')))).toEqual([]);
  });
});

describe('eligibleNodes: nodes', () => {
  test(`${EXCLUDE_LB_LABEL} (any value) excludes a node unless ignoreExcludeLb`, () => {
    const m = model(everywhere, service('web'), node('node-a', `{ ${EXCLUDE_LB_LABEL}: "" }`));
    expect(names(m)).toEqual(['node-b', 'node-c']);
    expect(names(m, { ignoreExcludeLb: false })).toEqual(['node-b', 'node-c']);
    expect(names(m, { ignoreExcludeLb: true })).toEqual(members);
  });
  test('a NetworkUnavailable node is not eligible; other conditions do not matter', () => {
    const down = node('node-b', '{}', '[{ type: NetworkUnavailable, status: "True", reason: RouteMissing }]');
    const up = node(
      'node-c',
      '{}',
      '[{ type: NetworkUnavailable, status: "False" }, { type: Ready, status: "False" }]',
    );
    expect(names(model(everywhere, service('web'), down, up))).toEqual(['node-a', 'node-c']);
  });
  test('nodeSelectors match Node labels; a member without a Node document has no labels', () => {
    const zoneA = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: zone-a }
spec: { nodeSelectors: [{ matchLabels: { zone: a } }] }
`;
    const m = model(zoneA, service('web'), node('node-a', '{ zone: a }'), node('node-b', '{ zone: b }'));
    expect(names(m)).toEqual(['node-a']);
    expect(names(m, { nodeLabels: { 'node-c': { zone: 'a' } } })).toEqual(['node-a', 'node-c']);
    expect(names(m, { nodeLabels: { 'node-a': { zone: 'b' } } })).toEqual([]);
  });
  test('members are deduplicated and sorted', () => {
    const m = model(everywhere, service('web'));
    expect(eligibleNodes(m, web(m), ['node-b', 'node-a', 'node-b']).map((c) => c.name)).toEqual([
      'node-a',
      'node-b',
    ]);
  });
});

describe('eligibleNodes: advertisements', () => {
  test('serviceSelectors and ipAddressPoolSelectors must select the service and its pool', () => {
    const bySelectors = (pool: string, app: string): string => `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: sel }
spec:
  ipAddressPoolSelectors: [{ matchLabels: { tier: ${pool} } }]
  serviceSelectors: [{ matchLabels: { app: ${app} } }]
`;
    expect(names(model(bySelectors('web', 'web'), service('web')))).toEqual(members);
    expect(names(model(bySelectors('web', 'api'), service('web')))).toEqual([]);
    expect(names(model(bySelectors('db', 'web'), service('web')))).toEqual([]);
  });
  test('no advertisement, or a service not of type LoadBalancer: nobody', () => {
    expect(names(model(service('web')))).toEqual([]);
    const clusterIp = service('web').replace('type: LoadBalancer', 'type: ClusterIP');
    expect(names(model(everywhere, clusterIp))).toEqual([]);
  });
  test('weights sum the matching preferredNodeSelectors of the advertisements announcing there', () => {
    const preferring = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: prefer }
spec:
  preferredNodeSelectors:
    - { weight: 10, preference: { matchLabels: { zone: a } } }
    - { weight: 5, preference: { matchLabels: { disk: ssd } } }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: other-pool }
spec:
  ipAddressPools: [dmz]
  preferredNodeSelectors: [{ weight: 100, preference: {} }]
`;
    const m = model(
      preferring,
      service('web'),
      node('node-a', '{ zone: a, disk: ssd }'),
      node('node-b', '{ zone: a }'),
    );
    expect(eligibleNodes(m, web(m), members)).toEqual([
      { name: 'node-a', weight: 15 },
      { name: 'node-b', weight: 10 },
      { name: 'node-c', weight: 0 },
    ]);
  });
});

describe('sharingRefusal', () => {
  const selecting = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: by-app }
spec: { serviceSelectors: [{ matchLabels: { app: web } }] }
`;
  test('allow-shared-ip with an advertisement using serviceSelectors on its pool is refused', () => {
    const m = model(selecting, service('web', ', annotations: { metallb.io/allow-shared-ip: k }'));
    expect(web(m).sharingKey).toBe('k');
    expect(sharingRefusal(m, web(m))).toMatch(
      /allow-shared-ip "k" is not supported with serviceSelectors.*"by-app"/,
    );
  });
  test('the older metallb.universe.tf annotation is read too', () => {
    const m = model(selecting, service('web', ', annotations: { metallb.universe.tf/allow-shared-ip: old }'));
    expect(web(m).sharingKey).toBe('old');
    expect(sharingRefusal(m, web(m))).toBeDefined();
  });
  test('without the annotation, or without serviceSelectors on its pool, nothing is refused', () => {
    expect(
      sharingRefusal(model(selecting, service('web')), web(model(selecting, service('web')))),
    ).toBeUndefined();
    const m = model(everywhere, service('web', ', annotations: { metallb.io/allow-shared-ip: k }'));
    expect(sharingRefusal(m, web(m))).toBeUndefined();
    const elsewhere = selecting.replace('spec: {', 'spec: { ipAddressPools: [dmz],');
    const n = model(elsewhere, service('web', ', annotations: { metallb.io/allow-shared-ip: k }'));
    expect(sharingRefusal(n, web(n))).toBeUndefined();
  });
  test('an empty annotation is no sharing key', () => {
    const m = model(selecting, service('web', ', annotations: { metallb.io/allow-shared-ip: "" }'));
    expect(web(m).sharingKey).toBeUndefined();
  });
});
