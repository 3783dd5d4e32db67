/**
 * The real test API server enforces MetalLB's ServiceL2Status rules: the status subresource drops
 * .status on create, and status.node can never change (`self == oldSelf`, "Value is immutable") —
 * the rule behind the incident in shared/BACKGROUND.md.
 */
import {
  installCrds,
  kubeExpect,
  kubeRequest,
  readKubeconfig,
  startApiServer,
  type ApiServer,
  type KubeAccess,
} from './server.ts';

const namespace = 'metallb-system';
const collection = `/apis/metallb.io/v1beta1/namespaces/${namespace}/servicel2statuses`;
const name = 'l2-web-node-a';

let server: ApiServer | undefined;
let access: KubeAccess;

beforeAll(async () => {
  // A cold build of kube-apiserver happens here when `npm run test:k8s` has not built it first.
  server = await startApiServer();
  access = await readKubeconfig(server.kubeconfig);
  expect(await installCrds(server.kubeconfig)).toEqual([
    'ipaddresspools.metallb.io',
    'l2advertisements.metallb.io',
    'servicel2statuses.metallb.io',
  ]);
  await kubeExpect(access, [201, 409], 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
}, 1_800_000);

afterAll(async () => {
  await server?.stop();
});

test('the server runs the pinned Kubernetes release and answers /readyz', async () => {
  expect(server?.kubernetesVersion).toBe('v1.37.2');
  const ready = await kubeRequest(access, 'GET', '/readyz');
  expect(ready).toMatchObject({ status: 200, text: 'ok' });
  const version = await kubeExpect(access, [200], 'GET', '/version');
  expect(version.body).toMatchObject({ gitVersion: expect.stringMatching(/^v1\.37\.2/) });
});

test('ServiceL2Status: status is written through the subresource and status.node is immutable', async () => {
  const created = await kubeExpect(access, [201], 'POST', collection, {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'ServiceL2Status',
    metadata: { name, labels: { 'metallb.io/node': 'node-a', 'metallb.io/service-name': 'web' } },
    status: { node: 'node-a', serviceName: 'web', serviceNamespace: 'default' },
  });
  expect(created.body).not.toHaveProperty('status.node');

  const status = {
    node: 'node-a',
    serviceName: 'web',
    serviceNamespace: 'default',
    interfaces: [{ name: 'eth0' }],
  };
  const written = await kubeExpect(
    access,
    [200],
    'PATCH',
    `${collection}/${name}/status`,
    { status },
    'application/merge-patch+json',
  );
  expect(written.body).toMatchObject({ status });

  const moved = await kubeRequest(
    access,
    'PATCH',
    `${collection}/${name}/status`,
    { status: { node: 'node-b' } },
    'application/merge-patch+json',
  );
  expect(moved.status).toBe(422);
  expect(moved.text).toContain('Value is immutable');
  expect(moved.body).toMatchObject({
    kind: 'Status',
    reason: 'Invalid',
    details: { causes: [expect.objectContaining({ field: 'status.node' })] },
  });

  const unchanged = await kubeExpect(access, [200], 'GET', `${collection}/${name}`);
  expect(unchanged.body).toMatchObject({ status: { node: 'node-a' } });

  await kubeExpect(access, [200], 'DELETE', `${collection}/${name}`);
  const gone = await kubeRequest(access, 'GET', `${collection}/${name}`);
  expect(gone.status).toBe(404);
});
