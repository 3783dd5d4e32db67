import fc from 'fast-check';
import { advertisedServices, ipInPool, parseConfig, selectorMatches } from '../../src/config/index.ts';
import type { LabelSelector, Model } from '../../src/config/index.ts';

const pools = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lan, labels: { tier: web } }
spec: { addresses: [192.0.2.0/28, "2001:db8::10-2001:db8::1f"] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: dmz }
spec: { addresses: [198.51.100.0/29] }
`;

function service(name: string, ips: string[], extra = '', namespace = 'default'): string {
  const ingress = ips.map((ip) => `{ ip: "${ip}" }`).join(', ');
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace}, labels: { app: ${name} } }
spec: { type: LoadBalancer ${extra} }
status: { loadBalancer: { ingress: [${ingress}] } }
`;
}

function ad(name: string, spec: string): string {
  return `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
}

function model(...docs: string[]): Model {
  return parseConfig([pools, ...docs].join('---\n'), 'test.yaml');
}

const nodeA = { name: 'node-a', labels: { zone: 'a' } };
const nodeB = { name: 'node-b', labels: { zone: 'b' } };

describe('advertisedServices', () => {
  it('advertises IPs in a pool selected by an advertisement; no pool list and no selector = all pools', () => {
    const m = model(
      ad('all', '{}'),
      service('web', ['2001:db8::10', '192.0.2.1', '203.0.113.9', '198.51.100.1']),
    );
    expect(advertisedServices(m, nodeA)).toEqual([
      {
        namespace: 'default',
        name: 'web',
        ips: ['2001:db8::10', '192.0.2.1', '198.51.100.1'],
        interfaces: undefined,
        pools: ['dmz', 'lan'],
      },
    ]);
  });

  it('advertises nothing without an advertisement', () => {
    expect(advertisedServices(model(service('web', ['192.0.2.1'])), nodeA)).toEqual([]);
  });

  it('selects pools by name and by label selector', () => {
    const byName = model(ad('x', '{ ipAddressPools: [dmz] }'), service('web', ['192.0.2.1', '198.51.100.1']));
    expect(advertisedServices(byName, nodeA)[0]?.ips).toEqual(['198.51.100.1']);
    const bySelector = model(
      ad('x', '{ ipAddressPoolSelectors: [{ matchLabels: { tier: web } }] }'),
      service('web', ['192.0.2.1', '198.51.100.1']),
    );
    expect(advertisedServices(bySelector, nodeA)[0]?.ips).toEqual(['192.0.2.1']);
  });

  it('honours nodeSelectors (any selector may match)', () => {
    const m = model(
      ad('x', '{ nodeSelectors: [{ matchLabels: { zone: a } }, { matchLabels: { zone: c } }] }'),
      service('web', ['192.0.2.1']),
    );
    expect(advertisedServices(m, nodeA)).toHaveLength(1);
    expect(advertisedServices(m, nodeB)).toEqual([]);
  });

  it('honours serviceSelectors', () => {
    const m = model(
      ad('x', '{ serviceSelectors: [{ matchLabels: { app: web } }] }'),
      service('web', ['192.0.2.1']),
      service('db', ['192.0.2.2']),
    );
    expect(advertisedServices(m, nodeA).map((s) => s.name)).toEqual(['web']);
  });

  it('merges interfaces of matching advertisements; one without interfaces means automatic', () => {
    const two = model(
      ad('x', '{ interfaces: [eth1, eth0] }'),
      ad('y', '{ interfaces: [eth0, bond0] }'),
      service('web', ['192.0.2.1']),
    );
    expect(advertisedServices(two, nodeA)[0]?.interfaces).toEqual(['bond0', 'eth0', 'eth1']);
    const auto = model(ad('x', '{ interfaces: [eth1] }'), ad('y', '{}'), service('web', ['192.0.2.1']));
    expect(advertisedServices(auto, nodeA)[0]?.interfaces).toBeUndefined();
    const elsewhere = model(
      ad('x', '{ interfaces: [eth1] }'),
      ad('y', '{ nodeSelectors: [{ matchLabels: { zone: b } }] }'),
      service('web', ['192.0.2.1']),
    );
    expect(advertisedServices(elsewhere, nodeA)[0]?.interfaces).toEqual(['eth1']);
  });

  it('skips services that are not LoadBalancers or that belong to another class', () => {
    const m = model(
      ad('x', '{}'),
      service('plain', ['192.0.2.1'], ', type: ClusterIP').replace('type: LoadBalancer ,', ''),
      service('other', ['192.0.2.2'], ', loadBalancerClass: example.com/lb'),
      service('mine', ['192.0.2.3']),
    );
    expect(advertisedServices(m, nodeA).map((s) => s.name)).toEqual(['mine']);
    expect(advertisedServices(m, nodeA, { loadBalancerClass: 'example.com/lb' }).map((s) => s.name)).toEqual([
      'other',
    ]);
  });

  it('sorts services by namespace then name', () => {
    const m = model(
      ad('x', '{}'),
      service('b', ['192.0.2.1'], '', 'ns2'),
      service('c', ['192.0.2.2'], '', 'ns1'),
      service('a', ['192.0.2.3'], '', 'ns2'),
    );
    expect(advertisedServices(m, nodeA).map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'ns1/c',
      'ns2/a',
      'ns2/b',
    ]);
  });
});

describe('ipInPool', () => {
  const [lan] = model().pools.filter((p) => p.metadata.name === 'lan');
  it.each([
    ['192.0.2.0', true],
    ['192.0.2.15', true],
    ['192.0.2.16', false],
    ['2001:db8::1f', true],
    ['2001:DB8::010', true],
    ['2001:db8::20', false],
    ['::ffff:192.0.2.3', true],
    ['not an ip', false],
  ])('%s -> %s', (ip, inside) => {
    expect(lan && ipInPool(lan, ip)).toBe(inside);
  });

  it('agrees with numeric bounds for every IPv4 address around a CIDR', () => {
    const [dmz] = model().pools.filter((p) => p.metadata.name === 'dmz');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (last) => {
        expect(dmz && ipInPool(dmz, `198.51.100.${last}`)).toBe(last < 8);
      }),
    );
  });
});

describe('selectorMatches', () => {
  const sel = (s: Partial<LabelSelector>): LabelSelector => ({ matchLabels: {}, matchExpressions: [], ...s });
  it.each([
    [sel({}), {}, true],
    [sel({ matchLabels: { a: '1' } }), { a: '1', b: '2' }, true],
    [sel({ matchLabels: { a: '1' } }), { a: '2' }, false],
    [sel({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }), { a: '2' }, true],
    [sel({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }), {}, false],
    [sel({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }), {}, true],
    [sel({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }), { a: '1' }, false],
    [sel({ matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] }), { a: '' }, true],
    [sel({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: [] }] }), { a: '' }, false],
    [
      sel({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists', values: [] }] }),
      { a: '1' },
      false,
    ],
  ])('%j on %j -> %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});
