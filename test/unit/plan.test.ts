import { parseConfig } from '../../src/config/index.ts';
import { planAddresses } from '../../src/speaker/plan.ts';

const model = parseConfig(
  `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: p, namespace: metallb-system }
spec: { addresses: ["192.0.2.200/29", "2001:db8::200/125"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: a, namespace: metallb-system }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [{ ip: 192.0.2.201 }, { ip: "2001:db8::201" }] } }
`,
  'plan.yaml',
);
const members = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'];

describe('planAddresses', () => {
  test('alone, a node answers every advertised IP', () => {
    expect(planAddresses(model, { name: 'node-a', labels: {} }, ['node-a']).map((d) => d.ip)).toEqual([
      '192.0.2.201',
      '2001:db8::201',
    ]);
  });
  test('exactly one member owns a service, with all its IPs (elected on the first IP)', () => {
    const owners = members.filter((name) => planAddresses(model, { name, labels: {} }, members).length > 0);
    // sha256 order for 192.0.2.201 computed in Go: node-b first.
    expect(owners).toEqual(['node-b']);
    expect(planAddresses(model, { name: 'node-b', labels: {} }, members)).toHaveLength(2);
  });
  test('when the owner leaves, the next in MetalLB order takes over', () => {
    const live = members.filter((m) => m !== 'node-b');
    expect(live.filter((name) => planAddresses(model, { name, labels: {} }, live).length > 0)).toEqual([
      'node-a',
    ]);
  });
});
