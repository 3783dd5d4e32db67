import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, eligibleNodes, parseConfig, type Model } from '../../src/config/index.ts';

const node = `apiVersion: v1
kind: Node
metadata:
  name: node-b
  labels: { zone: a }
spec: { unschedulable: true, podCIDR: 10.244.0.0/24 }
status:
  conditions:
    - { type: Ready, status: "True", lastHeartbeatTime: "2024-01-01T00:00:00Z" }
    - { type: NetworkUnavailable, status: "True", reason: NoRouteCreated }
`;

const slice = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  namespace: shop
  labels: { kubernetes.io/service-name: web }
addressType: IPv4
ports: [{ port: 80 }]
endpoints:
  - addresses: [10.244.1.5]
    nodeName: node-a
    conditions: { ready: true, serving: true, terminating: false }
  - addresses: [10.244.2.5]
    nodeName: node-b
    conditions: { ready: false }
  - addresses: [10.244.3.5]
`;

function parse(text: string): Model {
  return parseConfig(text, 'config.yaml');
}

function errorOf(text: string): ConfigError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Node documents', () => {
  it('reads name, labels and NetworkUnavailable; spec is ignored', () => {
    const up = node.replace('node-b', 'node-a').replace('status: "True", reason', 'status: "False", reason');
    expect(parse(`${node}---\n${up}`).nodes).toEqual([
      {
        kind: 'Node',
        metadata: { name: 'node-a', labels: { zone: 'a' } },
        status: { networkUnavailable: false },
      },
      {
        kind: 'Node',
        metadata: { name: 'node-b', labels: { zone: 'a' } },
        status: { networkUnavailable: true },
      },
    ]);
    expect(
      parse('apiVersion: v1\nkind: Node\nmetadata: { name: n }\n').nodes[0]?.status.networkUnavailable,
    ).toBe(false);
  });
  it('is frozen', () => {
    expect(Object.isFrozen(parse(node).nodes[0]?.metadata.labels)).toBe(true);
  });
  it.each([
    [
      node.replace('status: "True", reason', 'status: "Maybe", reason'),
      'status.conditions[1].status',
      '"Maybe" is not True, False or Unknown',
    ],
    [node.replace('- { type: Ready, ', '- { '), 'status.conditions[0].type', 'is required'],
    [
      node.replace('conditions:\n', 'conditions: 3\n').replace(/ {4}- .*\n/g, ''),
      'status.conditions',
      '3 is not a list',
    ],
    [node.replace('name: node-b', 'name: ""'), 'metadata.name', 'is required'],
    [node.replace('{ zone: a }', '{ zone: 1 }'), 'metadata.labels.zone', '1 is not a string (quote it)'],
  ])('refuses a bad field (%#)', (text, field, problem) => {
    const err = errorOf(text);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`: ${field}: ${problem}`);
  });
  it('refuses the wrong apiVersion and a duplicate name, naming the document', () => {
    expect(errorOf(node.replace('apiVersion: v1', 'apiVersion: v2')).message).toBe(
      'config.yaml: document 1 (Node "node-b"): apiVersion: "v2" is not v1',
    );
    expect(errorOf(`${node}---\n${node}`).message).toBe(
      'config.yaml: document 2 (Node "node-b"): metadata.name: "node-b" is already used by document 1',
    );
  });
});

describe('EndpointSlice documents', () => {
  it('reads the service name and endpoints with Kubernetes defaults', () => {
    expect(parse(slice).endpointSlices).toEqual([
      {
        kind: 'EndpointSlice',
        metadata: { name: 'web-abc12', namespace: 'shop' },
        serviceName: 'web',
        endpoints: [
          { nodeName: 'node-a', ready: true, serving: true, terminating: false },
          { nodeName: 'node-b', ready: false, serving: false, terminating: false },
          { nodeName: undefined, ready: true, serving: true, terminating: false },
        ],
      },
    ]);
  });
  it('allows the same name in two namespaces, not twice in one', () => {
    expect(
      parse(`${slice}---\n${slice.replace('namespace: shop', 'namespace: blog')}`).endpointSlices,
    ).toHaveLength(2);
    expect(errorOf(`${slice}---\n${slice}`).message).toContain(
      'document 2 (EndpointSlice "web-abc12"): metadata.name',
    );
  });
  it.each([
    [
      slice.replace('labels: { kubernetes.io/service-name: web }', 'labels: {}'),
      'metadata.labels["kubernetes.io/service-name"]',
      'is required (the Service this slice belongs to)',
    ],
    [
      slice.replace('{ ready: false }', '{ ready: "no" }'),
      'endpoints[1].conditions.ready',
      '"no" is not a boolean (true or false)',
    ],
    [
      slice.replace('{ ready: false }', '{ redy: false }'),
      'endpoints[1].conditions.redy',
      'is not a known field (known: ready, serving, terminating)',
    ],
    [slice.replace('nodeName: node-a', 'nodeName: 7'), 'endpoints[0].nodeName', '7 is not a string'],
    [
      slice.replace('  - addresses: [10.244.3.5]', '  - 10.244.3.5'),
      'endpoints[2]',
      '"10.244.3.5" is not a mapping',
    ],
    [slice.replace(/endpoints:[^]*/, 'endpoints: {}\n'), 'endpoints', '{} is not a list'],
  ])('refuses a bad field (%#)', (text, field, problem) => {
    const err = errorOf(text);
    expect(err.field).toBe(field);
    expect(err.message).toContain(
      `config.yaml: document 1 (EndpointSlice "web-abc12"): ${field}: ${problem}`,
    );
  });
  it('is accepted inside a kind: List', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: discovery.k8s.io/v1\n    kind: EndpointSlice\n    metadata: { name: s, labels: { kubernetes.io/service-name: web } }\n`;
    expect(parse(list).endpointSlices[0]?.metadata.namespace).toBe('default');
  });
});

describe('docs/configuration.md', () => {
  it('has a cluster-state example whose Local service is eligible where its endpoint runs', () => {
    const doc = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([^]*?)```/g)].map((match) => match[1] ?? '');
    const model = parse(blocks.join('---\n'));
    const api = model.services.find((s) => s.metadata.name === 'api');
    if (api === undefined) throw new Error('the example has no api service');
    expect(eligibleNodes(model, api, ['node-a', 'node-b', 'node-c']).map((c) => c.name)).toEqual(['node-a']);
  });
});
