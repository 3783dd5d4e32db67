import { parseConfig, type Model } from '../../src/config/index.ts';
import { plan, planAddresses, type PlanOptions } from '../../src/speaker/plan.ts';

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

const base = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: p }
spec: { addresses: ["192.0.2.0/24"] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: a }
`;

function svc(name: string, ip: string, extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default, annotations: { metallb.io/allow-shared-ip: k } }
spec: { type: LoadBalancer${extra} }
status: { loadBalancer: { ingress: [{ ip: "${ip}" }] } }
`;
}

function endpointsOn(service: string, ...nodes: string[]): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${service}, namespace: default, labels: { kubernetes.io/service-name: ${service} } }
endpoints: [${nodes.map((n) => `{ nodeName: ${n} }`).join(', ')}]
`;
}

function build(...docs: string[]): Model {
  return parseConfig([base, ...docs].join('---\n'), 'plan.yaml');
}

/** Who answers each IP: every member's plan, as the cluster would run them. */
function answering(m: Model, live: readonly string[], opts: PlanOptions = {}): Record<string, string[]> {
  const byIp: Record<string, string[]> = {};
  for (const name of live) {
    const ips = new Set(planAddresses(m, { name, labels: {} }, live, opts).map((address) => address.ip));
    for (const ip of ips) byIp[ip] = [...(byIp[ip] ?? []), name];
  }
  return byIp;
}

describe('plan', () => {
  test('services sharing an IP land on one node, the one eligible for all (Local narrows it)', () => {
    for (const node of members) {
      const m = build(
        svc('tcp', '192.0.2.50'),
        svc('udp', '192.0.2.50', ', externalTrafficPolicy: Local'),
        endpointsOn('udp', node),
      );
      expect(answering(m, members)).toEqual({ '192.0.2.50': [node] });
      const result = plan(m, { name: node, labels: {} }, members);
      expect([...result.owners]).toEqual([
        ['default/tcp', node],
        ['default/udp', node],
      ]);
      expect(result.addresses.map((a) => a.service)).toEqual(['default/tcp', 'default/udp']);
    }
  });
  test('sharing is transitive: a service linking two IPs puts all three services on one node', () => {
    const twoIps = svc('both', '192.0.2.60').replace(
      '[{ ip: "192.0.2.60" }]',
      '[{ ip: "192.0.2.60" }, { ip: "192.0.2.61" }]',
    );
    const m = build(svc('a', '192.0.2.60'), twoIps, svc('c', '192.0.2.61'));
    const owners = new Set(plan(m, { name: 'node-a', labels: {} }, members).owners.values());
    expect(owners.size).toBe(1);
    expect(Object.values(answering(m, members)).map((nodes) => nodes.length)).toEqual([1, 1]);
  });
  test('when no member may announce all services of a shared IP, one is refused, the IP keeps one owner', () => {
    const local = ', externalTrafficPolicy: Local';
    const m = build(
      svc('x', '192.0.2.70', local),
      svc('y', '192.0.2.70', local),
      endpointsOn('x', 'node-a'),
      endpointsOn('y', 'node-b'),
    );
    const result = plan(m, { name: 'node-a', labels: {} }, members);
    expect(result.owners.get('default/x')).toBe('node-a');
    expect(result.owners.get('default/y')).toBeUndefined();
    expect(result.refused).toEqual([
      { service: 'default/y', reason: 'shares an IP with default/x but no member may announce all of them' },
    ]);
    expect(answering(m, members)).toEqual({ '192.0.2.70': ['node-a'] });
  });
  test('allow-shared-ip with serviceSelectors is refused (as data) and not announced', () => {
    const selecting = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: sel }
spec: { serviceSelectors: [{ matchLabels: { app: web } }] }
`;
    const m = build(selecting, svc('web', '192.0.2.80'));
    const result = plan(m, { name: 'node-a', labels: {} }, members);
    expect(result.refused.map((r) => r.service)).toEqual(['default/web']);
    expect(result.refused[0]?.reason).toContain('serviceSelectors');
    expect(result.owners.get('default/web')).toBeUndefined();
    expect(answering(m, members)).toEqual({});
  });
  test('a service with endpoint slices but no serving endpoint is announced by nobody', () => {
    const m = build(svc('web', '192.0.2.90'), endpointsOn('web'));
    expect(answering(m, members)).toEqual({});
    expect(plan(m, { name: 'node-a', labels: {} }, members).owners.get('default/web')).toBeUndefined();
  });
  test('excluded and NetworkUnavailable nodes are skipped; --ignore-exclude-lb brings excluded ones back', () => {
    const excluded = (name: string) =>
      `apiVersion: v1\nkind: Node\nmetadata: { name: ${name}, labels: { node.kubernetes.io/exclude-from-external-load-balancers: "true" } }\n`;
    const down = (name: string) =>
      `apiVersion: v1\nkind: Node\nmetadata: { name: ${name} }\nstatus: { conditions: [{ type: NetworkUnavailable, status: "True" }] }\n`;
    const m = build(svc('web', '192.0.2.201'), excluded('node-b'), down('node-a'));
    // MetalLB order for 192.0.2.201 is node-b, node-a, ... (see above).
    const owner = answering(m, members)['192.0.2.201'];
    expect(owner).toHaveLength(1);
    expect(owner).not.toContain('node-b');
    expect(owner).not.toContain('node-a');
    expect(answering(m, members, { ignoreExcludeLb: true })).toEqual({ '192.0.2.201': ['node-b'] });
  });
  test("this node's --node-labels count for its own nodeSelectors", () => {
    const zoned = base.replace(
      'metadata: { name: a }',
      'metadata: { name: a }\nspec: { nodeSelectors: [{ matchLabels: { zone: a } }] }',
    );
    const m = parseConfig([zoned, svc('web', '192.0.2.10')].join('---\n'), 'plan.yaml');
    expect(planAddresses(m, { name: 'node-a', labels: {} }, ['node-a'])).toEqual([]);
    expect(planAddresses(m, { name: 'node-a', labels: { zone: 'a' } }, ['node-a'])).toHaveLength(1);
  });
  test('preferredNodeSelectors weights rank first in metallb mode; the ring ignores them', () => {
    const preferring = base.replace(
      'metadata: { name: a }',
      'metadata: { name: a }\nspec: { preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { fast: "yes" } } }] }',
    );
    const fast = 'apiVersion: v1\nkind: Node\nmetadata: { name: node-e, labels: { fast: "yes" } }\n';
    const m = parseConfig([preferring, fast, svc('web', '192.0.2.201')].join('---\n'), 'plan.yaml');
    expect(answering(m, members)).toEqual({ '192.0.2.201': ['node-e'] });
    expect(Object.values(answering(m, members, { mode: 'ring' }))[0]).toHaveLength(1);
  });
});
