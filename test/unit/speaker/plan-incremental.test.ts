/**
 * The incremental planner against the pure plan(): over random sequences of model and member changes,
 * with objects kept by identity where unchanged (as the sources do), every call returns plan()'s Plan.
 */
import fc from 'fast-check';
import { modelFromObjects, type Model } from '../../../src/config/index.ts';
import { plan, type PlanOptions } from '../../../src/speaker/plan.ts';
import { createPlanner } from '../../../src/speaker/planner.ts';

const NODES = ['n0', 'n1', 'n2', 'n3', 'worker-4.example.com', '5'];
const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';
const IPS = [
  '192.0.2.1',
  '192.0.2.2',
  '192.0.2.3',
  '192.0.2.77',
  '2001:db8::1',
  '2001:db8::2',
  '198.51.100.9',
];

type Raw = Record<string, unknown>;

const labelsArb = fc.record(
  {
    zone: fc.constantFrom('a', 'b'),
    role: fc.constant('edge'),
    [EXCLUDE]: fc.constant(''),
  },
  { requiredKeys: [] },
);

const nodeArb = (name: string): fc.Arbitrary<Raw> =>
  fc.record({ labels: labelsArb, down: fc.boolean() }).map(({ labels, down }) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    status: { conditions: [{ type: 'NetworkUnavailable', status: down ? 'True' : 'False' }] },
  }));

const selectorArb = fc.constantFrom({ matchLabels: { zone: 'a' } }, { matchLabels: { role: 'edge' } }, {});

const adArb = (name: string): fc.Arbitrary<Raw> =>
  fc
    .record({
      pools: fc.subarray(['v4', 'v6']),
      nodeSelectors: fc.array(selectorArb, { maxLength: 2 }),
      serviceSelectors: fc.array(fc.constantFrom({ matchLabels: { app: 'web' } }, {}), { maxLength: 1 }),
      preferred: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), preference: selectorArb }), {
        maxLength: 2,
      }),
      interfaces: fc.subarray(['eth0', 'eth1']),
    })
    .map((spec) => ({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name, namespace: 'metallb-system' },
      spec: {
        ipAddressPools: spec.pools,
        nodeSelectors: spec.nodeSelectors,
        serviceSelectors: spec.serviceSelectors,
        preferredNodeSelectors: spec.preferred,
        interfaces: spec.interfaces,
      },
    }));

const serviceArb = (name: string): fc.Arbitrary<Raw> =>
  fc
    .record({
      ips: fc.subarray(IPS, { minLength: 0, maxLength: 2 }),
      shared: fc.boolean(),
      local: fc.boolean(),
      app: fc.constantFrom('web', 'db'),
      type: fc.constantFrom('LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'ClusterIP'),
      ns: fc.constantFrom('default', 'prod'),
    })
    .map((s) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: s.ns,
        labels: { app: s.app },
        annotations: s.shared ? { 'metallb.io/allow-shared-ip': 'k' } : {},
      },
      spec: { type: s.type, externalTrafficPolicy: s.local ? 'Local' : 'Cluster' },
      status: { loadBalancer: { ingress: s.ips.map((ip) => ({ ip })) } },
    }));

const sliceArb = (service: string): fc.Arbitrary<Raw> =>
  fc
    .array(fc.record({ node: fc.constantFrom(...NODES), ready: fc.boolean() }), { maxLength: 3 })
    .chain((endpoints) =>
      fc.constantFrom('default', 'prod').map((namespace) => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${service}-x`, namespace, labels: { 'kubernetes.io/service-name': service } },
        endpoints: endpoints.map((e) => ({ nodeName: e.node, conditions: { ready: e.ready } })),
      })),
    );

/** A change to the world: one object replaced or removed, or the members changed. */
type Step =
  | { kind: 'node' | 'ad' | 'service' | 'slice'; index: number; object: Raw | undefined }
  | { kind: 'members'; members: string[] }
  | { kind: 'leave'; name: string };

const SERVICES = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
const ADS = ['a0', 'a1'];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.subarray(NODES).map((members): Step => ({ kind: 'members', members })) },
  { weight: 4, arbitrary: fc.constantFrom(...NODES).map((name): Step => ({ kind: 'leave', name })) },
  {
    weight: 1,
    arbitrary: fc
      .nat(NODES.length - 1)
      .chain((index) =>
        nodeArb(NODES[index] ?? 'n0').map((object): Step => ({ kind: 'node', index, object })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .nat(ADS.length - 1)
      .chain((index) =>
        fc
          .option(adArb(ADS[index] ?? 'a0'))
          .map((object): Step => ({ kind: 'ad', index, object: object ?? undefined })),
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .nat(SERVICES.length - 1)
      .chain((index) =>
        fc
          .option(serviceArb(SERVICES[index] ?? 's0'), { freq: 4 })
          .map((object): Step => ({ kind: 'service', index, object: object ?? undefined })),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .nat(SERVICES.length - 1)
      .chain((index) =>
        fc
          .option(sliceArb(SERVICES[index] ?? 's0'))
          .map((object): Step => ({ kind: 'slice', index, object: object ?? undefined })),
      ),
  },
);

const POOLS: Raw[] = [
  {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'v4', namespace: 'metallb-system' },
    spec: { addresses: ['192.0.2.0/24'] },
  },
  {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'v6', namespace: 'metallb-system' },
    spec: { addresses: ['2001:db8::/120'] },
  },
];

/** Each object validated once: a resource unchanged between models is the same object, as from a source. */
const resources = new Map<Raw, object>();
function resource(raw: Raw): object {
  let found = resources.get(raw);
  if (found === undefined) {
    const model = modelFromObjects([raw], 'test') as unknown as Record<string, object[]>;
    found = Object.values(model).flat()[0] ?? {};
    resources.set(raw, found);
  }
  return found;
}

function assemble(slots: Record<'node' | 'ad' | 'service' | 'slice', (Raw | undefined)[]>): Model {
  const of = <T>(list: (Raw | undefined)[]): T[] =>
    list.filter((raw): raw is Raw => raw !== undefined).map((raw) => resource(raw) as T);
  return {
    pools: of([...POOLS]),
    advertisements: of(slots.ad),
    services: of(slots.service),
    nodes: of(slots.node),
    endpointSlices: of(slots.slice),
  };
}

const worldArb = fc.record({
  nodes: fc.tuple(...NODES.map((name) => fc.option(nodeArb(name)))),
  ads: fc.tuple(...ADS.map((name) => fc.option(adArb(name)))),
  services: fc.tuple(...SERVICES.map((name) => fc.option(serviceArb(name), { freq: 5 }))),
  members: fc.subarray(NODES),
  steps: fc.array(stepArb, { maxLength: 25 }),
});

function check(mode: PlanOptions['mode']): void {
  fc.assert(
    fc.property(worldArb, fc.constantFrom(...NODES), fc.boolean(), (world, self, ignoreExcludeLb) => {
      const slots = {
        node: world.nodes.map((n) => n ?? undefined),
        ad: world.ads.map((a) => a ?? undefined),
        service: world.services.map((s) => s ?? undefined),
        slice: SERVICES.map((): Raw | undefined => undefined),
      };
      let members = world.members;
      const planner = createPlanner();
      const labels: Record<string, string> = self === 'n0' ? { zone: 'b' } : {};
      const node = { name: self, labels };
      const opts: PlanOptions = { mode, ignoreExcludeLb };
      for (const step of [undefined, ...world.steps]) {
        if (step?.kind === 'members') members = step.members;
        else if (step?.kind === 'leave') members = members.filter((name) => name !== step.name);
        else if (step !== undefined) slots[step.kind][step.index] = step.object;
        const model = assemble(slots);
        const incremental = planner.plan(model, node, members, opts);
        const reference = plan(model, node, members, opts);
        // Owners compared in order, and as a map (get, has, size) as consumers read them.
        expect({ ...incremental, owners: [...incremental.owners] }).toEqual({
          ...reference,
          owners: [...reference.owners],
        });
        for (const [key, owner] of reference.owners) expect(incremental.owners.get(key)).toBe(owner);
        expect(incremental.owners.size).toBe(reference.owners.size);
      }
    }),
    { numRuns: 300 },
  );
}

describe('incremental planner = plan()', () => {
  test('metallb: random sequences of model and member changes', () => check('metallb'));
  test('ring: random sequences of model and member changes', () => check('ring'));
});
