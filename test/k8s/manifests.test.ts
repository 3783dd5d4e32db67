/**
 * Every manifest in deploy/ (and MetalLB's CRDs in deploy/crds) applied to a real API server with
 * strict field validation, first as a server-side dry run, then for real; and the l2speaker
 * ServiceAccount's own token holds exactly the permissions the speaker needs.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseOptions } from '../../src/speaker/index.ts';
import { kubeExpect, kubeRequest, startApiServer, type ApiServer, type KubeAccess } from './server.ts';
import {
  applyManifest,
  deployDir,
  objectPath,
  readManifests,
  mayDo,
  speakerAccess,
  SPEAKER_MUST_NOT,
  SPEAKER_NAMESPACE,
  SPEAKER_NEEDS,
  type AccessCheck,
  type Manifest,
} from './service-account.ts';

let server: ApiServer | undefined;
let admin: KubeAccess;

/** Namespace first (the others live in it), then the rest in name order, then the CRDs. */
async function manifestFiles(): Promise<string[]> {
  const top = (await readdir(deployDir)).filter((f) => f.endsWith('.yaml') && f !== 'namespace.yaml').sort();
  const crds = (await readdir(`${deployDir}/crds`)).filter((f) => f.endsWith('.yaml')).sort();
  return ['namespace.yaml', ...top, ...crds.map((f) => `crds/${f}`)];
}

beforeAll(async () => {
  server = await startApiServer();
  admin = server.access;
}, 1_800_000);

afterAll(async () => {
  await server?.stop();
});

test('every manifest passes a strict server-side dry run, then applies for real', async () => {
  const applied: string[] = [];
  for (const file of await manifestFiles()) {
    for (const manifest of await readManifests(file)) {
      await applyManifest(admin, manifest, { dryRun: true });
      await applyManifest(admin, manifest);
      const stored = await kubeExpect(admin, [200], 'GET', objectPath(manifest));
      expect(stored.body).toMatchObject({ kind: manifest.kind, metadata: { name: manifest.metadata.name } });
      applied.push(`${manifest.kind}/${manifest.metadata.name}`);
    }
  }
  expect(applied).toEqual(
    expect.arrayContaining([
      'Namespace/metallb-system',
      'ServiceAccount/l2speaker',
      'ClusterRole/l2speaker',
      'ClusterRoleBinding/l2speaker',
      'Role/l2speaker',
      'RoleBinding/l2speaker',
      'DaemonSet/l2speaker',
      'CustomResourceDefinition/servicel2statuses.metallb.io',
    ]),
  );
}, 120_000);

test('a misspelt field is refused, so the check above can fail', async () => {
  const [daemonSet] = await readManifests('daemonset.yaml');
  if (daemonSet === undefined) throw new Error('no DaemonSet');
  const broken = structuredClone(daemonSet) as Manifest & {
    spec: { template: { spec: Record<string, unknown> } };
  };
  broken.spec.template.spec['hostNetwrok'] = true;
  // Server-side apply answers an unknown field with HTTP 500 "field not declared in schema".
  await expect(applyManifest(admin, broken, { dryRun: true })).rejects.toThrow(
    /hostNetwrok: field not declared in schema/,
  );
});

test('the DaemonSet as stored: host network, NET_RAW and SYS_NICE only, read-only, identity from the downward API', async () => {
  const res = await kubeExpect(
    admin,
    [200],
    'GET',
    `/apis/apps/v1/namespaces/${SPEAKER_NAMESPACE}/daemonsets/l2speaker`,
  );
  const pod = (res.body as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
  expect(pod).toMatchObject({
    hostNetwork: true,
    serviceAccountName: 'l2speaker',
    securityContext: { runAsNonRoot: true, runAsUser: 65532 },
    tolerations: expect.arrayContaining([
      expect.objectContaining({ key: 'node-role.kubernetes.io/control-plane' }),
    ]),
  });
  const [container] = pod['containers'] as Record<string, unknown>[];
  expect(container).toMatchObject({
    securityContext: {
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_RAW', 'SYS_NICE'] },
    },
    livenessProbe: { httpGet: { path: '/livez' } },
    readinessProbe: { httpGet: { path: '/readyz' } },
    volumeMounts: [expect.objectContaining({ mountPath: '/etc/ml_secret_key', readOnly: true })],
  });
  const env = Object.fromEntries(
    (container?.['env'] as { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[]).map((e) => [
      e.name,
      e.valueFrom.fieldRef.fieldPath,
    ]),
  );
  expect(env).toEqual({
    METALLB_NODE_NAME: 'spec.nodeName',
    METALLB_NAMESPACE: 'metadata.namespace',
    METALLB_POD_NAME: 'metadata.name',
    METALLB_ML_BIND_ADDR: 'status.podIP',
  });
  const ports = (container?.['ports'] as { containerPort: number; protocol: string }[]).map(
    (p) => `${p.containerPort}/${p.protocol}`,
  );
  expect(ports.sort()).toEqual(['7472/TCP', '7946/TCP', '7946/UDP']);
});

test("the DaemonSet's arguments, as the kubelet expands them, are the speaker's flags", async () => {
  const [daemonSet] = await readManifests('daemonset.yaml');
  const container = (
    daemonSet as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
  ).spec.template.spec.containers[0];
  const env: Record<string, string> = {
    METALLB_NODE_NAME: 'node-a',
    METALLB_NAMESPACE: 'metallb-system',
    METALLB_POD_NAME: 'l2speaker-x7k2p',
    METALLB_ML_BIND_ADDR: '192.0.2.11',
  };
  const args = (container?.args ?? []).map((arg) =>
    arg.replace(/\$\((\w+)\)/g, (_, name: string) => env[name] ?? ''),
  );
  expect(parseOptions(args, {})).toMatchObject({
    config: undefined,
    nodeName: 'node-a',
    kubernetes: { namespace: 'metallb-system', podName: 'l2speaker-x7k2p' },
    metricsPort: 7472,
    election: 'auto',
    memberlist: { bindAddr: '192.0.2.11', bindPort: 7946, secretKeyPath: '/etc/ml_secret_key' },
  });
});

describe('the l2speaker ServiceAccount token', () => {
  let speaker: KubeAccess;
  let speakerKubeconfig: string;

  beforeAll(async () => {
    if (server === undefined) throw new Error('API server not started');
    ({ access: speaker, kubeconfig: speakerKubeconfig } = await speakerAccess(server));
    for (const name of ['memberlist', 'other'])
      await kubeExpect(admin, [201, 409], 'POST', `/api/v1/namespaces/${SPEAKER_NAMESPACE}/secrets`, {
        metadata: { name },
        stringData: { secretkey: 'x' },
      });
  }, 60_000);

  test('may do every verb the speaker needs', async () => {
    const denied: AccessCheck[] = [];
    for (const check of SPEAKER_NEEDS) if (!(await mayDo(speaker, check))) denied.push(check);
    expect(denied).toEqual([]);
  }, 60_000);

  test('may do nothing it does not need', async () => {
    const granted: AccessCheck[] = [];
    for (const check of SPEAKER_MUST_NOT) if (await mayDo(speaker, check)) granted.push(check);
    expect(granted).toEqual([]);
  }, 60_000);

  test('real requests: reads, its Secret only, ServiceL2Status create/status/delete, events', async () => {
    await kubeExpect(speaker, [200], 'GET', '/api/v1/services');
    await kubeExpect(speaker, [200], 'GET', '/api/v1/nodes?watch=true&timeoutSeconds=1');
    await kubeExpect(speaker, [200], 'GET', `/api/v1/namespaces/${ns}/secrets/memberlist`);
    await kubeExpect(
      speaker,
      [200],
      'GET',
      `/api/v1/namespaces/${ns}/secrets?fieldSelector=metadata.name%3Dmemberlist`,
    );
    expect((await kubeRequest(speaker, 'GET', `/api/v1/namespaces/${ns}/secrets/other`)).status).toBe(403);
    expect((await kubeRequest(speaker, 'GET', `/api/v1/namespaces/${ns}/secrets`)).status).toBe(403);
    expect((await kubeRequest(speaker, 'POST', '/api/v1/namespaces/default/services', {})).status).toBe(403);

    const collection = `/apis/metallb.io/v1beta1/namespaces/${ns}/servicel2statuses`;
    await kubeExpect(speaker, [201], 'POST', collection, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'ServiceL2Status',
      metadata: { name: 'sa-check', labels: { 'metallb.io/node': 'node-a' } },
    });
    const status = { node: 'node-a', serviceName: 'web', serviceNamespace: 'shop' };
    await kubeExpect(
      speaker,
      [200],
      'PATCH',
      `${collection}/sa-check/status`,
      { status },
      'application/merge-patch+json',
    );
    const labels = { metadata: { labels: { 'metallb.io/node': 'node-b' } } };
    const relabel = await kubeRequest(
      speaker,
      'PATCH',
      `${collection}/sa-check`,
      labels,
      'application/merge-patch+json',
    );
    expect(relabel.status).toBe(403);
    await kubeExpect(speaker, [200], 'DELETE', `${collection}/sa-check`);

    await kubeExpect(speaker, [201], 'POST', '/api/v1/namespaces/default/events', {
      metadata: { name: 'web.sa-check' },
      involvedObject: { kind: 'Service', namespace: 'default', name: 'web' },
      reason: 'nodeAssigned',
      message: 'announcing from node "node-a"',
      type: 'Normal',
    });
  }, 60_000);

  const ns = SPEAKER_NAMESPACE;

  test('l2speaker status and explain read the cluster with its kubeconfig', async () => {
    const repo = resolve(__dirname, '../..');
    const run = (args: string[]) =>
      promisify(execFile)(resolve(repo, 'node_modules/.bin/node'), [
        resolve(repo, 'bin/l2speaker.js'),
        ...args,
      ]);
    const post = (path: string, body: unknown) => kubeExpect(admin, [201, 409], 'POST', path, body);
    await post('/api/v1/namespaces', { metadata: { name: 'shop' } });
    for (const name of ['node-a', 'node-b'])
      await post('/api/v1/nodes', { metadata: { name, labels: name === 'node-b' ? { zone: 'b' } : {} } });
    await post(`/apis/metallb.io/v1beta1/namespaces/${ns}/ipaddresspools`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'lan' },
      spec: { addresses: ['192.0.2.0/24'] },
    });
    await post(`/apis/metallb.io/v1beta1/namespaces/${ns}/l2advertisements`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name: 'zone-b' },
      spec: { nodeSelectors: [{ matchLabels: { zone: 'b' } }] },
    });
    await post('/api/v1/namespaces/shop/services', {
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ipFamilies: ['IPv6'] },
    });
    await kubeExpect(
      admin,
      [200],
      'PATCH',
      '/api/v1/namespaces/shop/services/web/status',
      { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
      'application/merge-patch+json',
    );
    const l2status = `/apis/metallb.io/v1beta1/namespaces/${ns}/servicel2statuses`;
    await post(l2status, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'ServiceL2Status',
      metadata: { name: 'l2-web' },
    });
    const status = {
      node: 'node-b',
      serviceName: 'web',
      serviceNamespace: 'shop',
      interfaces: [{ name: 'eth0' }],
    };
    await kubeExpect(
      admin,
      [200],
      'PATCH',
      `${l2status}/l2-web/status`,
      { status },
      'application/merge-patch+json',
    );

    const table = await run(['status', '--kubeconfig', speakerKubeconfig]);
    expect(table.stdout).toBe(
      'SERVICE   IPS         NODE    INTERFACES\nshop/web  192.0.2.10  node-b  eth0\n',
    );
    const explained = await run(['explain', 'shop/web', '--kubeconfig', speakerKubeconfig]);
    expect(explained.stdout).toBe(
      [
        'No --speaker: every known node is taken as a live member.',
        'shop/web (192.0.2.10), election ring: announced by node-b',
        '',
        'NODE    ELIGIBLE  WHY',
        'node-a  no        node-selector: no L2Advertisement for its IPs selects this node',
        'node-b  owner     -',
        '',
      ].join('\n'),
    );
  }, 60_000);
});
