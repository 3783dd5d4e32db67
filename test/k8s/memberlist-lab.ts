/**
 * A Kubernetes-mode lab with memberlist: a speaker lab (speaker-lab.ts) whose speakers find each other
 * through their Pods (--ml-labels), encrypt gossip with the `memberlist` Secret's key, and announce the
 * LoadBalancer Services given from one IPAddressPool and one L2Advertisement; plus readers of the
 * ServiceL2Status objects.
 *
 * @example
 *   const env = await createMemberlistLab('k8m', ['na', 'nb', 'nc'], {
 *     addresses: ['192.0.2.200/29'],
 *     services: [{ name: 'web', ips: ['192.0.2.201'] }],
 *   });
 *   const owner = await waitSingleOwner(env.client, env.nodes, '192.0.2.201');
 *   await waitStatusOf(env.admin, 'web', owner); // exactly one object, on the owner
 *   await env.destroy();
 */
import type { Host } from '../../src/lab/index.ts';
import { kubeExpect, type KubeAccess } from './server.ts';
import { NS, createSpeakerLab, type SpeakerLab } from './speaker-lab.ts';

const MERGE = 'application/merge-patch+json';
const STATUSES = `/apis/metallb.io/v1beta1/namespaces/${NS}/servicel2statuses`;
const MEMBERLIST_KEY = 'R2L6lTqlR8gbvLFcM9Oc7w';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LabService {
  /** In namespace default. */
  readonly name: string;
  /** Ingress IPs, written through the status subresource; one of each family makes it dual-stack. */
  readonly ips: readonly string[];
}

export interface MemberlistLabSetup {
  /** The `lab` IPAddressPool's addresses. */
  readonly addresses: readonly string[];
  readonly services: readonly LabService[];
  /** Gives node i 2001:db8::(11+i)/64 and the client 2001:db8::100/64 (for ndisc6). */
  readonly ipv6?: boolean;
}

export interface MemberlistLab extends SpeakerLab {
  /** The uid of each node's speaker Pod, by node name. */
  readonly podUids: ReadonlyMap<string, string>;
}

/** A ServiceL2Status as the tests read it. */
export interface L2Status {
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

/** Node i gets 2001:db8::(11+i)/64 and the client 2001:db8::100/64, without DAD. */
export async function addIpv6(env: SpeakerLab): Promise<void> {
  const hosts = [...env.nodes.map((node, i) => ({ host: node, ip: `2001:db8::${11 + i}/64` }))];
  hosts.push({ host: env.client, ip: '2001:db8::100/64' });
  for (const { host, ip } of hosts) {
    const added = await host.exec(['ip', 'addr', 'add', ip, 'dev', 'eth0', 'nodad']);
    if (added.code !== 0) throw new Error(`${host.name}: cannot add ${ip}: ${added.stderr}`);
  }
}

async function createService(admin: KubeAccess, service: LabService): Promise<void> {
  const dualStack = service.ips.some((ip) => ip.includes(':')) && service.ips.some((ip) => !ip.includes(':'));
  await kubeExpect(admin, [201], 'POST', '/api/v1/namespaces/default/services', {
    metadata: { name: service.name },
    spec: {
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 }],
      ...(dualStack ? { ipFamilyPolicy: 'RequireDualStack' } : {}),
    },
  });
  await kubeExpect(
    admin,
    [200],
    'PATCH',
    `/api/v1/namespaces/default/services/${service.name}/status`,
    { status: { loadBalancer: { ingress: service.ips.map((ip) => ({ ip })) } } },
    MERGE,
  );
}

/** No kubelet runs: each speaker Pod is an object whose status the lab writes (hostNetwork: node IP). */
export async function createSpeakerPods(env: SpeakerLab): Promise<Map<string, string>> {
  const podUids = new Map<string, string>();
  for (const node of env.nodes) {
    const pod = await kubeExpect(env.admin, [201], 'POST', `/api/v1/namespaces/${NS}/pods`, {
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
      env.admin,
      [200],
      'PATCH',
      `/api/v1/namespaces/${NS}/pods/speaker-${node.name}/status`,
      { status: { phase: 'Running', podIP: node.ipv4, podIPs: [{ ip: node.ipv4 }] } },
      MERGE,
    );
  }
  return podUids;
}

/** The `memberlist` Secret the speakers read their gossip key from. */
export async function createMemberlistSecret(admin: KubeAccess): Promise<void> {
  await kubeExpect(admin, [201], 'POST', `/api/v1/namespaces/${NS}/secrets`, {
    metadata: { name: 'memberlist' },
    data: { secretkey: Buffer.from(MEMBERLIST_KEY).toString('base64') },
  });
}

/** The flags of `node`'s speaker: its Pod (createSpeakerPods), memberlist on eth0, peers from the Pods. */
export function memberlistFlags(node: Host): string[] {
  return [
    ...['--pod-name', `speaker-${node.name}`, '--ml-bindaddr', node.ipv4 ?? ''],
    ...['--ml-labels', 'app=l2speaker', '--ml-join-timeout-ms', '5000'],
  ];
}

/** Creates the lab, the Secret, pool, advertisement, Services and Pods, and starts every speaker. */
export async function createMemberlistLab(
  prefix: string,
  nodeNames: readonly string[],
  setup: MemberlistLabSetup,
): Promise<MemberlistLab> {
  const env = await createSpeakerLab(prefix, nodeNames);
  try {
    const { admin } = env;
    if (setup.ipv6 === true) await addIpv6(env);
    await createMemberlistSecret(admin);
    await kubeExpect(admin, [201], 'POST', `/apis/metallb.io/v1beta1/namespaces/${NS}/ipaddresspools`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'lab' },
      spec: { addresses: setup.addresses },
    });
    await kubeExpect(admin, [201], 'POST', `/apis/metallb.io/v1beta1/namespaces/${NS}/l2advertisements`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name: 'lab' },
    });
    for (const service of setup.services) await createService(admin, service);
    const podUids = await createSpeakerPods(env);
    await Promise.all(env.nodes.map((node) => env.startSpeaker(node, memberlistFlags(node))));
    return Object.assign(env, { podUids });
  } catch (err) {
    await env.destroy();
    throw err;
  }
}

/** The ServiceL2Status objects of a Service of namespace default. */
export async function statusesOf(admin: KubeAccess, service: string): Promise<L2Status[]> {
  const res = await kubeExpect(
    admin,
    [200],
    'GET',
    `${STATUSES}?labelSelector=metallb.io/service-name%3D${service}`,
  );
  return (res.body as { items: L2Status[] }).items;
}

/** Waits until exactly one ServiceL2Status of `service` exists and names `node`; returns it. */
export async function waitStatusOf(
  admin: KubeAccess,
  service: string,
  node: string,
  timeoutMs = 20_000,
): Promise<L2Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await statusesOf(admin, service);
    const [only] = items;
    if (items.length === 1 && only?.status?.node === node) return only;
    if (Date.now() > deadline)
      throw new Error(`expected one ServiceL2Status of ${service} on ${node}, saw ${JSON.stringify(items)}`);
    await sleep(100);
  }
}
