/**
 * Kubernetes mode end to end: real speakers in lab node namespaces read a real API server with the
 * l2speaker ServiceAccount (deploy/rbac.yaml), memberlist off (every Node a candidate), and a client's
 * arping shows who answers as pools, advertisements, node labels, endpoints and Services change.
 */
import { kubeExpect } from './server.ts';
import { NS, createSpeakerLab, waitAnswering, waitSingleOwner, type SpeakerLab } from './speaker-lab.ts';

jest.setTimeout(120_000);

const VIP = '192.0.2.201';
const VIP2 = '192.0.2.202';
const APPS = '/api/v1/namespaces/default';
const METALLB = `/apis/metallb.io/v1beta1/namespaces/${NS}`;
const MERGE = 'application/merge-patch+json';

let env: SpeakerLab;
const names = (): string[] => env.nodes.map((n) => n.name);
const merge = (path: string, body: unknown): Promise<unknown> =>
  kubeExpect(env.admin, [200], 'PATCH', path, body, MERGE);
const answering = (ip: string, expected: readonly string[]): Promise<void> =>
  waitAnswering(env.client, env.nodes, ip, expected);

async function createService(name: string, ip: string, spec: Record<string, unknown> = {}): Promise<void> {
  await kubeExpect(env.admin, [201], 'POST', `${APPS}/services`, {
    metadata: { name },
    spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }], ...spec },
  });
  await merge(`${APPS}/services/${name}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } });
}

beforeAll(async () => {
  env = await createSpeakerLab('k8s', ['na', 'nb']);
  await kubeExpect(env.admin, [201], 'POST', `${METALLB}/ipaddresspools`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'lab' },
    spec: { addresses: ['192.0.2.200/29'] },
  });
  await kubeExpect(env.admin, [201], 'POST', `${METALLB}/l2advertisements`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: 'lab' },
    spec: {},
  });
  await createService('web', VIP);
  for (const node of env.nodes) await env.startSpeaker(node);
}, 600_000);

afterAll(async () => {
  const outputs = [...(env?.speakers.values() ?? [])].map((s) => s.output());
  await env?.destroy();
  // The ServiceAccount's RBAC let the speakers read everything they need.
  for (const output of outputs) expect(output).not.toContain('HTTP 403');
});

test('one node answers for a LoadBalancer IP of an advertised pool', async () => {
  const owner = await waitSingleOwner(env.client, env.nodes, VIP);
  expect(names()).toContain(owner);
  await answering(VIP, [owner]);
});

test('L2Advertisement nodeSelectors and node labels move the IP', async () => {
  await merge('/api/v1/nodes/nb', { metadata: { labels: { zone: 'b' } } });
  await merge(`${METALLB}/l2advertisements/lab`, {
    spec: { nodeSelectors: [{ matchLabels: { zone: 'b' } }] },
  });
  await answering(VIP, ['nb']);
  await merge('/api/v1/nodes/nb', { metadata: { labels: { zone: null } } });
  await merge('/api/v1/nodes/na', { metadata: { labels: { zone: 'b' } } });
  await answering(VIP, ['na']);
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { nodeSelectors: null } });
});

test('L2Advertisement interfaces: a missing interface withdraws, eth0 announces again', async () => {
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { interfaces: ['eth9'] } });
  await answering(VIP, []);
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { interfaces: ['eth0'] } });
  await waitSingleOwner(env.client, env.nodes, VIP);
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { interfaces: null } });
});

test("MetalLB's metallb-excludel2 ConfigMap keeps an interface silent, even one an L2Advertisement names", async () => {
  const configMaps = `/api/v1/namespaces/${NS}/configmaps`;
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { interfaces: ['eth0'] } });
  await kubeExpect(env.admin, [201], 'POST', configMaps, {
    metadata: { name: 'metallb-excludel2' },
    data: { 'excludel2.yaml': 'announcedInterfacesToExclude: ["^eth0$"]\n' },
  });
  await answering(VIP, []);
  await kubeExpect(env.admin, [200], 'DELETE', `${configMaps}/metallb-excludel2`);
  await waitSingleOwner(env.client, env.nodes, VIP);
  await merge(`${METALLB}/l2advertisements/lab`, { spec: { interfaces: null } });
});

test('externalTrafficPolicy Local follows the node of the serving endpoint', async () => {
  await merge(`${APPS}/services/web`, { spec: { externalTrafficPolicy: 'Local' } });
  const slice = (nodeName: string, ready: boolean) => ({
    metadata: { name: 'web-x1', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['192.0.2.50'], nodeName, conditions: { ready } }],
    ports: [{ port: 80, protocol: 'TCP' }],
  });
  await kubeExpect(
    env.admin,
    [201],
    'POST',
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    slice('nb', true),
  );
  await answering(VIP, ['nb']);
  await kubeExpect(
    env.admin,
    [200],
    'PUT',
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-x1',
    {
      ...slice('na', true),
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
    },
  );
  await answering(VIP, ['na']);
  await merge('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-x1', {
    endpoints: [{ addresses: ['192.0.2.50'], nodeName: 'na', conditions: { ready: false, serving: false } }],
  });
  await answering(VIP, []);
  await kubeExpect(
    env.admin,
    [200],
    'DELETE',
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-x1',
  );
  await merge(`${APPS}/services/web`, { spec: { externalTrafficPolicy: 'Cluster' } });
  await waitSingleOwner(env.client, env.nodes, VIP);
});

test("a Service's IP change moves the announcement; out of every pool it is withdrawn", async () => {
  await merge(`${APPS}/services/web/status`, { status: { loadBalancer: { ingress: [{ ip: VIP2 }] } } });
  await waitSingleOwner(env.client, env.nodes, VIP2);
  await answering(VIP, []);
  await merge(`${METALLB}/ipaddresspools/lab`, { spec: { addresses: ['192.0.2.200/31'] } });
  await answering(VIP2, []);
  await merge(`${METALLB}/ipaddresspools/lab`, { spec: { addresses: ['192.0.2.200/29'] } });
  await waitSingleOwner(env.client, env.nodes, VIP2);
  await merge(`${APPS}/services/web/status`, { status: { loadBalancer: { ingress: [{ ip: VIP }] } } });
  await waitSingleOwner(env.client, env.nodes, VIP);
});

test('a Service of another loadBalancerClass is left alone; type ClusterIP and deletion withdraw', async () => {
  await createService('other', '192.0.2.203', { loadBalancerClass: 'example.com/other' });
  await createService('gone', '192.0.2.204');
  await waitSingleOwner(env.client, env.nodes, '192.0.2.204');
  await answering('192.0.2.203', []);
  await merge(`${APPS}/services/web`, { spec: { type: 'ClusterIP', allocateLoadBalancerNodePorts: null } });
  await answering(VIP, []);
  await kubeExpect(env.admin, [200], 'DELETE', `${APPS}/services/gone`);
  await answering('192.0.2.204', []);
});

test('allow-shared-ip with serviceSelectors: not announced, and one announceRefused Warning Event', async () => {
  await kubeExpect(env.admin, [201], 'POST', `${METALLB}/l2advertisements`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: 'selective' },
    spec: { ipAddressPools: ['lab'], serviceSelectors: [{ matchLabels: { app: 'shared' } }] },
  });
  await kubeExpect(env.admin, [201], 'POST', `${APPS}/services`, {
    metadata: {
      name: 'shared',
      labels: { app: 'shared' },
      annotations: { 'metallb.io/allow-shared-ip': 'k' },
    },
    spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] },
  });
  await merge(`${APPS}/services/shared/status`, {
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.205' }] } },
  });
  const refusals = async (): Promise<{ type: string; message: string }[]> => {
    const path = `${APPS}/events?fieldSelector=involvedObject.name=shared,reason=announceRefused`;
    const res = await kubeExpect(env.admin, [200], 'GET', path);
    return (res.body as { items: { type: string; message: string }[] }).items;
  };
  for (let i = 0; i < 100 && (await refusals()).length === 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  await answering('192.0.2.205', []);
  const events = await refusals();
  // Every speaker refuses it; only the lowest-named node records it.
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    type: 'Warning',
    message: expect.stringContaining('allow-shared-ip "k"'),
  });
});
