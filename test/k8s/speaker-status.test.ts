/**
 * Kubernetes mode with memberlist: three real speakers find each other through their Pods (--ml-labels),
 * encrypt gossip with the `memberlist` Secret's key, and the owner of a service publishes its
 * ServiceL2Status (owned by its Pod); when the owner's speaker stops, the IP and the status move.
 */
import { createMemberlistLab, waitStatusOf, type MemberlistLab } from './memberlist-lab.ts';
import { waitSingleOwner } from './speaker-lab.ts';

jest.setTimeout(120_000);

const VIP = '192.0.2.201';

let env: MemberlistLab;

beforeAll(async () => {
  env = await createMemberlistLab('k8m', ['na', 'nb', 'nc'], {
    addresses: ['192.0.2.200/29'],
    services: [{ name: 'web', ips: [VIP] }],
  });
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
  const object = await waitStatusOf(env.admin, 'web', owner);
  expect(object.metadata.labels).toMatchObject({
    'metallb.io/node': owner,
    'metallb.io/service-name': 'web',
    'metallb.io/service-namespace': 'default',
  });
  expect(object.metadata.ownerReferences?.map((ref) => ref.uid)).toEqual([env.podUids.get(owner)]);
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
  await waitStatusOf(env.admin, 'web', next);
});
