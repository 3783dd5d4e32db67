/**
 * Kubernetes mode with memberlist: three real speakers find each other through their Pods (--ml-labels),
 * encrypt gossip with the `memberlist` Secret's key, and the owner of a service publishes its
 * ServiceL2Status (owned by its Pod); when the owner's speaker stops, the IP and the status move.
 */
import { kubeExpect } from './server.ts';
import { NS, createSpeakerLab, waitSingleOwner, type SpeakerLab } from './speaker-lab.ts';

jest.setTimeout(120_000);

const VIP = '192.0.2.201';
const MERGE = 'application/merge-patch+json';
const STATUSES = `/apis/metallb.io/v1beta1/namespaces/${NS}/servicel2statuses`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface L2Status {
  metadata: {
    name: string;
    labels: Record<string, string>;
    ownerReferences?: { uid: string; name: string }[];
  };
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    interfaces?: { name: string }[];
  };
}

let env: SpeakerLab;
const podUids = new Map<string, string>();

async function statusesOfWeb(): Promise<L2Status[]> {
  const res = await kubeExpect(
    env.admin,
    [200],
    'GET',
    `${STATUSES}?labelSelector=metallb.io/service-name%3Dweb`,
  );
  return (res.body as { items: L2Status[] }).items;
}

/** Waits until exactly one ServiceL2Status of web exists and names `node`; returns it. */
async function waitStatusOf(node: string, timeoutMs = 20_000): Promise<L2Status> {
  const deadline = Date.now() + timeoutMs;
  let items: L2Status[] = [];
  for (;;) {
    items = await statusesOfWeb();
    const [only] = items;
    if (items.length === 1 && only?.status?.node === node) return only;
    if (Date.now() > deadline)
      throw new Error(`expected one ServiceL2Status on ${node}, saw ${JSON.stringify(items)}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  env = await createSpeakerLab('k8m', ['na', 'nb', 'nc']);
  const { admin } = env;
  await kubeExpect(admin, [201], 'POST', `/api/v1/namespaces/${NS}/secrets`, {
    metadata: { name: 'memberlist' },
    data: { secretkey: Buffer.from('R2L6lTqlR8gbvLFcM9Oc7w').toString('base64') },
  });
  await kubeExpect(admin, [201], 'POST', `/apis/metallb.io/v1beta1/namespaces/${NS}/ipaddresspools`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'lab' },
    spec: { addresses: ['192.0.2.200/29'] },
  });
  await kubeExpect(admin, [201], 'POST', `/apis/metallb.io/v1beta1/namespaces/${NS}/l2advertisements`, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: 'lab' },
  });
  await kubeExpect(admin, [201], 'POST', '/api/v1/namespaces/default/services', {
    metadata: { name: 'web' },
    spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] },
  });
  await kubeExpect(
    admin,
    [200],
    'PATCH',
    '/api/v1/namespaces/default/services/web/status',
    { status: { loadBalancer: { ingress: [{ ip: VIP }] } } },
    MERGE,
  );
  // No kubelet runs: the speaker Pods are objects whose status the test writes (hostNetwork: node IP).
  for (const node of env.nodes) {
    const pod = await kubeExpect(admin, [201], 'POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: `speaker-${node.name}`, labels: { app: 'l2speaker' } },
      spec: {
        nodeName: node.name,
        hostNetwork: true,
        serviceAccountName: 'l2speaker',
        automountServiceAccountToken: false,
        containers: [{ name: 'speaker', image: 'l2speaker' }],
      },
    });
    podUids.set(node.name, (pod.body as { metadata: { uid: string } }).metadata.uid);
    await kubeExpect(
      admin,
      [200],
      'PATCH',
      `/api/v1/namespaces/${NS}/pods/speaker-${node.name}/status`,
      { status: { phase: 'Running', podIP: node.ipv4, podIPs: [{ ip: node.ipv4 }] } },
      MERGE,
    );
  }
  await Promise.all(
    env.nodes.map((node) =>
      env.startSpeaker(node, [
        ...['--pod-name', `speaker-${node.name}`, '--ml-bindaddr', node.ipv4 ?? ''],
        ...['--ml-labels', 'app=l2speaker', '--ml-join-timeout-ms', '5000'],
      ]),
    ),
  );
}, 600_000);

afterAll(async () => {
  const outputs = [...(env?.speakers.values() ?? [])].map((s) => s.output());
  await env?.destroy();
  for (const output of outputs) expect(output).not.toContain('HTTP 403');
});

test('the speakers join through their Pods, and the owner publishes its ServiceL2Status', async () => {
  for (const node of env.nodes) {
    const res = await node.exec(['curl', '-sf', 'http://127.0.0.1:7472/status']);
    const status = JSON.parse(res.stdout) as { members: { name: string; state: string }[] };
    expect(status.members.map((m) => `${m.name}:${m.state}`).sort()).toEqual([
      'na:alive',
      'nb:alive',
      'nc:alive',
    ]);
  }
  const owner = await waitSingleOwner(env.client, env.nodes, VIP);
  const object = await waitStatusOf(owner);
  expect(object.metadata.labels).toMatchObject({
    'metallb.io/node': owner,
    'metallb.io/service-name': 'web',
    'metallb.io/service-namespace': 'default',
  });
  expect(object.metadata.ownerReferences?.map((ref) => ref.uid)).toEqual([podUids.get(owner)]);
  expect(object.status?.interfaces).toEqual([{ name: 'eth0' }]);
});

test("when the owner's speaker stops, the IP and the ServiceL2Status move to another node", async () => {
  const owner = await waitSingleOwner(env.client, env.nodes, VIP);
  const speaker = env.speakers.get(owner);
  speaker?.process.kill('SIGTERM');
  expect(await speaker?.exited).toBe(0);
  const others = env.nodes.filter((n) => n.name !== owner);
  const next = await waitSingleOwner(env.client, others, VIP);
  expect(next).not.toBe(owner);
  await waitStatusOf(next);
});
