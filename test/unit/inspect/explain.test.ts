import { eligibleNodes, parseConfig, type Model } from '../../../src/config/index.ts';
import { electOwner } from '../../../src/election/index.ts';
import { explain, UnknownServiceError, type ExplainMember } from '../../../src/inspect/index.ts';

const pool = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lan }
spec: { addresses: [192.0.2.0/24] }
`;

function node(name: string, labels = '{}', conditions = '[]'): string {
  return `apiVersion: v1
kind: Node
metadata: { name: ${name}, labels: ${labels} }
status: { conditions: ${conditions} }
`;
}

function service(spec = 'type: LoadBalancer', ip = '192.0.2.10'): string {
  return `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { ${spec} }
status: { loadBalancer: { ingress: [{ ip: ${ip} }] } }
`;
}

const advertisement = (spec = '{}') => `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: ad }
spec: ${spec}
`;

const model = (...docs: string[]): Model => parseConfig([pool, ...docs].join('---\n'), 'explain.yaml');
const alive = (...names: string[]): ExplainMember[] => names.map((name) => ({ name, state: 'alive' }));
const nodes3 = [node('node-a', '{ zone: a }'), node('node-b', '{ zone: b }'), node('node-c', '{ zone: c }')];

function web(m: Model) {
  const svc = m.services.find((s) => s.metadata.name === 'web');
  if (svc === undefined) throw new Error('no web service');
  return svc;
}

function codes(m: Model, members: ExplainMember[], opts = {}) {
  const result = explain(m, 'shop/web', members, { mode: 'ring', ...opts });
  return Object.fromEntries(result.nodes.map((n) => [n.node, n.reasons.map((r) => r.code)]));
}

describe('explain', () => {
  test("the owner is the plan's owner; every other eligible node lost the election", () => {
    const m = model(advertisement(), service(), ...nodes3);
    for (const mode of ['ring', 'metallb'] as const) {
      const result = explain(m, 'shop/web', alive('node-a', 'node-b', 'node-c'), { mode });
      const expected = electOwner(
        mode,
        eligibleNodes(m, web(m), ['node-a', 'node-b', 'node-c']),
        '192.0.2.10',
      );
      expect(result.owner).toBe(expected);
      expect(result.serviceProblem).toBeUndefined();
      for (const n of result.nodes) {
        expect(n.eligible).toBe(true);
        expect(n.owner).toBe(n.node === expected);
        expect(n.reasons.map((r) => r.code)).toEqual(n.owner ? [] : ['lost-election']);
      }
    }
  });

  test('a node not live, excluded, selected out or without an endpoint is told so', () => {
    const m = model(
      advertisement(
        '{ nodeSelectors: [{ matchExpressions: [{ key: zone, operator: NotIn, values: [c] }] }] }',
      ),
      service('type: LoadBalancer, externalTrafficPolicy: Local'),
      node('node-a', '{ zone: a }'),
      node('node-b', '{ zone: b, node.kubernetes.io/exclude-from-external-load-balancers: "" }'),
      node('node-c', '{ zone: c }'),
      node('node-d', '{ zone: d }', '[{ type: NetworkUnavailable, status: "True" }]'),
      node('node-e', '{ zone: e }'),
      `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: shop, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
endpoints: [{ addresses: [198.51.100.1], nodeName: node-a }, { addresses: [198.51.100.2], nodeName: node-f }]
`,
    );
    const members = [
      ...alive('node-a', 'node-b', 'node-c', 'node-d', 'node-e'),
      { name: 'node-f', state: 'dead' },
    ];
    expect(codes(m, members)).toEqual({
      'node-a': [],
      'node-b': ['excluded-label', 'no-endpoint'],
      'node-c': ['node-selector', 'no-endpoint'],
      'node-d': ['network-unavailable', 'no-endpoint'],
      'node-e': ['no-endpoint'],
      'node-f': ['not-live-member'],
    });
    expect(codes(m, members, { ignoreExcludeLb: true })['node-b']).toEqual(['no-endpoint']);
  });

  test('a suspect member is still live; a node the members do not know is not', () => {
    const m = model(advertisement(), service(), ...nodes3);
    const result = explain(m, 'shop/web', [{ name: 'node-a', state: 'suspect' }], { mode: 'ring' });
    expect(result.owner).toBe('node-a');
    const b = result.nodes.find((n) => n.node === 'node-b');
    expect(b?.reasons).toEqual([{ code: 'not-live-member', detail: 'not in memberlist' }]);
  });

  test('a missing interface is reported on the owner without changing the election', () => {
    const m = model(advertisement('{ interfaces: [eth9] }'), service(), ...nodes3);
    const members = alive('node-a', 'node-b', 'node-c');
    const plain = explain(m, 'shop/web', members, { mode: 'ring' });
    const owner = plain.owner ?? '';
    const result = explain(m, 'shop/web', members, { mode: 'ring', interfaces: new Map([[owner, []]]) });
    expect(result.owner).toBe(owner);
    const row = result.nodes.find((n) => n.node === owner);
    expect(row).toMatchObject({
      owner: true,
      reasons: [{ code: 'interface-missing', detail: 'none of eth9 exists here' }],
    });
  });

  test('service-wide problems: not a LoadBalancer, no IP in a pool, no endpoint at all', () => {
    const notLb = explain(
      model(advertisement(), service('type: ClusterIP'), ...nodes3),
      'shop/web',
      alive('node-a'),
      {
        mode: 'ring',
      },
    );
    expect(notLb.serviceProblem).toBe('type is ClusterIP, not LoadBalancer');
    expect(notLb.owner).toBeUndefined();
    expect(notLb.nodes.every((n) => !n.eligible)).toBe(true);
    const outside = explain(
      model(advertisement(), service(undefined, '198.51.100.7')),
      'shop/web',
      alive('node-a'),
      {
        mode: 'ring',
      },
    );
    expect(outside.serviceProblem).toBe('no IP (198.51.100.7) lies in an IPAddressPool');
    expect(outside.nodes[0]?.reasons.map((r) => r.code)).toEqual(['node-selector']);
  });

  test('an unknown service is a typed error', () => {
    expect(() => explain(model(advertisement()), 'shop/nope', [], { mode: 'ring' })).toThrow(
      UnknownServiceError,
    );
  });
});
