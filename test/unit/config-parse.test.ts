import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  advertisedServices,
  canonicalIp,
  modelFromObjects,
  parseConfig,
} from '../../src/config/index.ts';

const pool = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool-a
  namespace: metallb-system
  labels: { tier: web }
spec:
  addresses:
    - 192.0.2.0/28
    - 198.51.100.10 - 198.51.100.20
    - 2001:db8::/120
  autoAssign: false
  avoidBuggyIPs: true
`;

const advertisement = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: l2-a }
spec:
  ipAddressPools: [pool-a]
  ipAddressPoolSelectors:
    - matchExpressions: [{ key: tier, operator: In, values: [web] }]
  nodeSelectors:
    - matchLabels: { zone: a }
  interfaces: [eth0]
`;

const service = `apiVersion: v1
kind: Service
metadata: { name: web, annotations: { note: x } }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
status:
  loadBalancer:
    ingress: [{ ip: "2001:DB8:0::5" }, { hostname: lb.example }, { ip: 192.0.2.3 }, { ip: 192.0.2.3 }]
`;

const full = [pool, advertisement, service].join('---\n');

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'config.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('reads pools, advertisements and services with defaults filled in', () => {
    const model = parseConfig(full, 'config.yaml');
    expect(model.pools).toHaveLength(1);
    expect(model.pools[0]?.metadata).toEqual({
      name: 'pool-a',
      namespace: 'metallb-system',
      labels: { tier: 'web' },
    });
    expect(model.pools[0]?.spec.addresses).toEqual([
      { text: '192.0.2.0/28', family: 4, first: '192.0.2.0', last: '192.0.2.15' },
      { text: '198.51.100.10 - 198.51.100.20', family: 4, first: '198.51.100.10', last: '198.51.100.20' },
      { text: '2001:db8::/120', family: 6, first: '2001:db8::', last: '2001:db8::ff' },
    ]);
    expect(model.pools[0]?.spec.autoAssign).toBe(false);
    expect(model.pools[0]?.spec.avoidBuggyIPs).toBe(true);
    const ad = model.advertisements[0];
    expect(ad?.spec.ipAddressPools).toEqual(['pool-a']);
    expect(ad?.spec.ipAddressPoolSelectors[0]?.matchExpressions[0]).toEqual({
      key: 'tier',
      operator: 'In',
      values: ['web'],
    });
    expect(ad?.spec.nodeSelectors).toEqual([{ matchLabels: { zone: 'a' }, matchExpressions: [] }]);
    expect(ad?.spec.serviceSelectors).toEqual([]);
    const svc = model.services[0];
    // Annotations other than the sharing key are checked, not kept.
    expect(svc?.metadata).toEqual({ name: 'web', namespace: 'default', labels: {} });
    expect(svc?.sharingKey).toBeUndefined();
    expect(svc?.spec).toEqual({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Cluster',
      loadBalancerClass: undefined,
    });
    expect(svc?.status.ingressIPs).toEqual(['2001:db8::5', '192.0.2.3']);
  });

  it('returns deeply frozen data', () => {
    const model = parseConfig(full, 'config.yaml');
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.pools[0]?.spec.addresses[0])).toBe(true);
    expect(Object.isFrozen(model.services[0]?.status.ingressIPs)).toBe(true);
  });

  it('shares one empty mapping among objects without labels', () => {
    const other = service.replace('name: web, annotations: { note: x }', 'name: api');
    const model = parseConfig([pool, advertisement, service, other].join('---\n'), 'config.yaml');
    const [api, web] = model.services;
    expect(api?.metadata.labels).toBe(web?.metadata.labels);
    expect(api?.metadata.labels).toBe(model.advertisements[0]?.metadata.labels);
  });

  it('accepts a kind: List, empty documents and an empty file', () => {
    const asItem = (doc: string) => `  - ${doc.trimEnd().replaceAll('\n', '\n    ')}\n`;
    const list = `---\napiVersion: v1\nkind: List\nitems:\n${asItem(pool)}${asItem(service)}---\n`;
    const model = parseConfig(list, 'list.yaml');
    expect(model.pools.map((p) => p.metadata.name)).toEqual(['pool-a']);
    expect(model.services.map((s) => s.metadata.name)).toEqual(['web']);
    expect(parseConfig('', 'empty.yaml')).toEqual({
      pools: [],
      advertisements: [],
      services: [],
      nodes: [],
      endpointSlices: [],
    });
  });

  it('sorts each kind by namespace and name', () => {
    const svc = (ns: string, name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${ns} }\n`;
    const model = parseConfig([svc('b', 'a'), svc('a', 'z'), svc('a', 'b')].join('---\n'), 'c.yaml');
    expect(model.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      'a/b',
      'a/z',
      'b/a',
    ]);
  });

  it('names source, document, field and value of a bad address', () => {
    const err = errorOf(full.replace('198.51.100.10 - 198.51.100.20', '10.0.0.300/24'));
    expect(err.message).toBe(
      'config.yaml: document 1 (IPAddressPool "pool-a"): spec.addresses[1]: "10.0.0.300/24" is not a CIDR or an IP range',
    );
    expect(err.source).toBe('config.yaml');
    expect(err.document).toEqual({ index: 1, kind: 'IPAddressPool', name: 'pool-a' });
    expect(err.field).toBe('spec.addresses[1]');
    expect(err.value).toBe('10.0.0.300/24');
  });

  it.each([
    ['192.0.2.0/33', 'prefix too long'],
    ['192.0.2.0', 'a bare IP'],
    ['192.0.2.9-192.0.2.1', 'a reversed range'],
    ['192.0.2.1-2001:db8::1', 'a mixed-family range'],
    ['127.1/8', 'a short IPv4 form'],
    ['fe80::1%eth0/64', 'a zone'],
  ])('refuses %s (%s)', (address) => {
    expect(errorOf(pool.replace('192.0.2.0/28', address)).field).toBe('spec.addresses[0]');
  });

  it('refuses overlapping ranges, within a pool and across pools', () => {
    expect(errorOf(pool.replace('2001:db8::/120', '192.0.2.8-192.0.2.9')).message).toContain(
      'spec.addresses[2]: "192.0.2.8-192.0.2.9" overlaps "192.0.2.0/28" of IPAddressPool "pool-a"',
    );
    const other = pool.replace('pool-a', 'pool-b').replace('192.0.2.0/28', '192.0.2.16/28');
    const err = errorOf(`${pool}---\n${other}`);
    expect(err.document?.name).toBe('pool-b');
    expect(err.message).toContain('"198.51.100.10 - 198.51.100.20" of IPAddressPool "pool-a"');
  });

  it('names an unknown kind', () => {
    const err = errorOf(
      `${pool}---\napiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: { name: x }\n`,
    );
    expect(err.message).toBe(
      'config.yaml: document 2: kind: "BGPAdvertisement" is not a supported kind (IPAddressPool, L2Advertisement, Service, Node, EndpointSlice or List)',
    );
  });

  it('refuses a wrong apiVersion', () => {
    expect(errorOf(pool.replace('metallb.io/v1beta1', 'metallb.io/v1alpha1')).message).toBe(
      'config.yaml: document 1 (IPAddressPool "pool-a"): apiVersion: "metallb.io/v1alpha1" is not metallb.io/v1beta1',
    );
  });

  it('refuses duplicate names of one kind, naming the first', () => {
    expect(errorOf(`${full}---\n${pool}`).message).toBe(
      'config.yaml: document 4 (IPAddressPool "pool-a"): metadata.name: "pool-a" is already used by document 1',
    );
    const sameNameOtherKind = advertisement.replace('l2-a', 'pool-a');
    expect(parseConfig(`${pool}---\n${sameNameOtherKind}`, 'c.yaml').advertisements).toHaveLength(1);
  });

  it('refuses an annotation that is not a string, though it keeps none', () => {
    const err = errorOf(service.replace('note: x', 'note: 1'));
    expect(err.field).toBe('metadata.annotations.note');
    expect(err.problem).toBe('is not a string (quote it)');
  });

  it('refuses an ingress IP that is not an IP', () => {
    const err = errorOf(service.replace('192.0.2.3 }, { ip: 192.0.2.3', '192.0.2.3 }, { ip: 192.0.2'));
    expect(err.field).toBe('status.loadBalancer.ingress[3].ip');
    expect(err.value).toBe('192.0.2');
  });

  it.each([
    [advertisement.replace('interfaces:', 'interface:'), 'spec.interface', 'is not a known field'],
    [
      advertisement.replace('operator: In', 'operator: Has'),
      'spec.ipAddressPoolSelectors[0].matchExpressions[0].operator',
      'is not one of',
    ],
    [
      advertisement.replace('values: [web]', 'values: []'),
      'spec.ipAddressPoolSelectors[0].matchExpressions[0].values',
      'must not be empty',
    ],
    [
      advertisement.replace('operator: In', 'operator: Exists'),
      'spec.ipAddressPoolSelectors[0].matchExpressions[0].values',
      'must be empty',
    ],
    [
      advertisement.replace('zone: a', 'zone: 1'),
      'spec.nodeSelectors[0].matchLabels.zone',
      'is not a string',
    ],
    [advertisement.replace('[pool-a]', '[pool-a, pool-a]'), 'spec.ipAddressPools[1]', 'is listed twice'],
    [pool.replace('autoAssign: false', 'autoAssign: "no"'), 'spec.autoAssign', 'is not a boolean'],
    [pool.replace(/addresses:[^]*autoAssign/, 'autoAssign'), 'spec.addresses', 'must list at least one'],
    [pool.replace('  name: pool-a\n', ''), 'metadata.name', 'is required'],
    [
      service.replace('type: LoadBalancer', 'externalTrafficPolicy: Remote'),
      'spec.externalTrafficPolicy',
      'is not Cluster or Local',
    ],
    ['apiVersion: v1\n', 'kind', 'is required'],
  ])('reports field errors (%#)', (text, field, problem) => {
    const err = errorOf(text);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`${field}: `);
    expect(err.message).toContain(problem);
  });

  it('reports YAML syntax errors with the document and position', () => {
    const err = errorOf(`${pool}---\nkind: [Service\n`);
    expect(err.document).toEqual({ index: 2 });
    expect(err.message).toMatch(/^config\.yaml: document 2: invalid YAML: .*line \d+, column \d+/);
  });

  it('refuses a List item that is not an object, naming the item', () => {
    const err = errorOf('apiVersion: v1\nkind: List\nitems: [42]\n');
    expect(err.message).toBe(
      'config.yaml: document 1 item 1: (item): is not an object with apiVersion and kind',
    );
  });
});

describe('modelFromObjects', () => {
  it('validates decoded objects the same way', () => {
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        status: { loadBalancer: { ingress: [{ ip: 'x' }] } },
      },
    ];
    expect(() => modelFromObjects(objects, 'api')).toThrow(
      'api: document 1 (Service "web"): status.loadBalancer.ingress[0].ip: "x" is not an IP address',
    );
  });
});

describe('canonicalIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['192.0.2.256', undefined],
    ['0x7f.0.0.1', undefined],
    ['fe80::1%eth0', undefined],
    ['192.0.2.01', undefined],
    ['::', '::'],
    ['::ffff:0:0', '0.0.0.0'],
    // IPv4-compatible (deprecated) is not IPv4-mapped: it stays IPv6, as in Go.
    ['::192.0.2.1', '::c000:201'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
    ['2001:0DB8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    // Runs of equal length: one inside the address wins over one at either end, else the first.
    ['0:0:1:0:0:2:3:4', '0:0:1::2:3:4'],
    ['1:0:0:2:3:4:0:0', '1::2:3:4:0:0'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    // Refused as Go refuses them: a group of five digits, '::' standing for no group.
    ['00001::1', undefined],
    ['1:2:3:4::5:6:7:8', undefined],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });
});

describe('docs/configuration.md', () => {
  it('has a full example that parses and announces what it says', () => {
    const doc = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
    const example = /```yaml\n([^]*?)```/.exec(doc)?.[1] ?? '';
    const model = parseConfig(example, 'configuration.md');
    expect(model.pools.map((p) => p.metadata.name)).toEqual(['dmz', 'lan']);
    expect(advertisedServices(model, { name: 'n', labels: { 'topology.kubernetes.io/zone': 'a' } })).toEqual([
      {
        namespace: 'shop',
        name: 'web',
        ips: ['192.0.2.10', '2001:db8:0:1::10'],
        interfaces: ['eth0'],
        pools: ['lan'],
      },
    ]);
  });
});
