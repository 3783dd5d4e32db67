/**
 * update() re-plans only the services a change can affect: two publishers on the same random history
 * of desired states and foreign objects, one incremental and one re-planning every service on every
 * update (checkEverything), must make the same requests at the same times and leave the same objects
 * and Events. The periodic resync is off, so it cannot mend a service the incremental update missed.
 */
import fc from 'fast-check';
import type winston from 'winston';
import { OwnerMap } from '../../../src/speaker/owner-map.ts';
import {
  LABEL_SERVICE_NAME,
  LABEL_SERVICE_NAMESPACE,
  createStatusPublisher,
  objectName,
  statusLabels,
  type StatusDesired,
  type StatusPublisher,
} from '../../../src/status/index.ts';
import { FakeApi, FakeClock, apiError } from './fakes.ts';

const SELF = 'node-a';
// node-0 sorts before node-a: its coming and going moves who deletes orphaned objects.
const NODES = ['node-0', 'node-a', 'node-b', 'node-c', 'node-d'];
const SERVICES = ['default/s0', 'default/s1', 'default/s2', 'ns/s3', 'ns/s4'];

type Step =
  | { kind: 'owner'; service: string; owner: string | undefined; layered: boolean }
  | { kind: 'forget'; service: string }
  | { kind: 'interfaces'; service: string; names: string[] }
  | { kind: 'live'; node: string; alive: boolean }
  | { kind: 'refusal'; service: string; reason: string | undefined }
  | { kind: 'foreign'; service: string; node: string | undefined; present: boolean; wrongStatus: boolean }
  | { kind: 'failing'; service: string | undefined }
  | { kind: 'same' };

const service = fc.constantFrom(...SERVICES);
const node = fc.constantFrom(...NODES);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('owner' as const),
      service,
      owner: fc.option(node, { nil: undefined }),
      layered: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('live' as const), node, alive: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('foreign' as const),
      service,
      node: fc.option(fc.constantFrom(...NODES, 'node-gone'), { nil: undefined }),
      present: fc.boolean(),
      wrongStatus: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('forget' as const), service }),
  fc.record({ kind: fc.constant('interfaces' as const), service, names: fc.subarray(['eth0', 'eth1']) }),
  fc.record({
    kind: fc.constant('refusal' as const),
    service,
    reason: fc.option(fc.constantFrom('shares an IP', 'another reason'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('failing' as const), service: fc.option(service, { nil: undefined }) }),
  fc.record({ kind: fc.constant('same' as const) }),
);
// Long enough, at times, for the owner's grace over a live node's object (3 s) to end.
const pause = fc.constantFrom(0, 0, 100, 1_000, 3_500);

interface World {
  readonly clock: FakeClock;
  readonly api: FakeApi;
  readonly publisher: StatusPublisher;
}

const quiet = { warn: () => undefined, info: () => undefined } as unknown as winston.Logger;

function world(checkEverything: boolean): World {
  const clock = new FakeClock();
  const api = new FakeApi(clock);
  const tunables = { ratePerSecond: 10_000, burst: 10_000, resyncMs: 0 };
  const publisher = createStatusPublisher(
    { nodeName: SELF, pod: { name: 'speaker-a', uid: 'pod-a' }, ...tunables },
    { api, clock, logger: quiet, random: () => 0.5, checkEverything },
  );
  return { clock, api, publisher };
}

/** Another node's object (or a stale one of this node's), or one labelled with no node at all. */
function foreign(api: FakeApi, key: string, owner: string | undefined, wrongStatus: boolean): void {
  const [namespace = '', name = ''] = key.split('/');
  const labels =
    owner === undefined
      ? { [LABEL_SERVICE_NAMESPACE]: namespace, [LABEL_SERVICE_NAME]: name }
      : statusLabels(namespace, name, owner);
  const statusNode = wrongStatus ? 'node-x' : (owner ?? 'node-x');
  api.put({
    name: objectName(namespace, name, owner ?? 'unlabelled'),
    labels,
    ownerReferences: [],
    status: { node: statusNode, serviceName: name, serviceNamespace: namespace },
  });
}

/** Writes for `key`'s objects and Events are refused (403) from now on; undefined: none are. */
function failing(key: string | undefined): FakeApi['failWith'] {
  const [namespace = '', name = ''] = key?.split('/') ?? [];
  return (operation, target) =>
    key !== undefined &&
    operation !== 'get' &&
    (target === key || target.startsWith(`l2-${namespace}.${name}.`))
      ? apiError('forbidden', operation)
      : undefined;
}

function nextDesired(desired: StatusDesired, s: Step): StatusDesired {
  switch (s.kind) {
    case 'owner': {
      if (s.layered)
        return { ...desired, owners: OwnerMap.over(desired.owners, new Map([[s.service, s.owner]])) };
      return { ...desired, owners: new Map([...desired.owners, [s.service, s.owner]]) };
    }
    case 'forget': {
      // Refused services are among the known ones (the planner's refusals are services it planned).
      const refusals = new Map(desired.refusals);
      refusals.delete(s.service);
      const owners = new Map([...desired.owners].filter(([key]) => key !== s.service));
      return { ...desired, owners, refusals };
    }
    case 'interfaces': {
      const interfaces = new Map(desired.interfaces);
      if (s.names.length === 0) interfaces.delete(s.service);
      else interfaces.set(s.service, s.names);
      return { ...desired, interfaces };
    }
    case 'live': {
      const others = desired.liveNodes.filter((n) => n !== s.node);
      return { ...desired, liveNodes: s.alive ? [...others, s.node] : others };
    }
    case 'refusal': {
      const refusals = new Map(desired.refusals);
      if (s.reason === undefined || !desired.owners.has(s.service)) refusals.delete(s.service);
      else refusals.set(s.service, s.reason);
      return { ...desired, refusals };
    }
    case 'foreign':
    case 'failing':
    case 'same':
      return desired;
  }
}

const requests = (w: World, from: number) =>
  w.api.calls
    .slice(from)
    .map((c) => `${c.at} ${c.operation} ${c.target}`)
    .sort();

const outcome = (w: World) => ({
  objects: [...w.api.objects.values()]
    .map(({ name, labels, ownerReferences, status }) => ({ name, labels, ownerReferences, status }))
    .sort((a, b) => a.name.localeCompare(b.name)),
  events: w.api.events,
});

/** Runs `steps` in both worlds, comparing them after each; returns the requests made (sorted). */
async function run(steps: readonly { step: Step; pauseMs: number }[]): Promise<string[]> {
  const worlds = [world(false), world(true)] as const;
  let desired: StatusDesired = {
    owners: new Map(SERVICES.map((key, i) => [key, NODES[i % NODES.length]])),
    interfaces: new Map(),
    liveNodes: [...NODES],
    refusals: new Map(),
  };
  // At rest to begin with: every service's object written by its owner (this node's by the first update).
  for (const w of worlds) {
    for (const [key, owner] of desired.owners) if (owner !== SELF) foreign(w.api, key, owner, false);
    w.publisher.update(desired);
    await w.clock.advance(0);
  }
  for (const { step: s, pauseMs } of steps) {
    desired = nextDesired(desired, s);
    const from = worlds.map((w) => w.api.calls.length);
    for (const w of worlds) {
      if (s.kind === 'foreign') {
        const owner = s.node ?? 'unlabelled';
        const [namespace = '', name = ''] = s.service.split('/');
        if (s.present) foreign(w.api, s.service, s.node, s.wrongStatus);
        else w.api.drop(objectName(namespace, name, owner));
      } else if (s.kind === 'failing') w.api.failWith = failing(s.service);
      else w.publisher.update(desired);
      await w.clock.advance(pauseMs);
    }
    expect(requests(worlds[0], from[0] ?? 0)).toEqual(requests(worlds[1], from[1] ?? 0));
  }
  for (const w of worlds) await w.clock.advance(60_000);
  expect(outcome(worlds[0])).toEqual(outcome(worlds[1]));
  expect(requests(worlds[0], 0)).toEqual(requests(worlds[1], 0));
  for (const w of worlds) await w.publisher.close();
  return requests(worlds[0], 0);
}

test('the incremental update makes the same requests as re-planning every service', async () => {
  const history = fc.array(fc.record({ step, pauseMs: pause }), { minLength: 1, maxLength: 30 });
  await fc.assert(
    fc.asyncProperty(history, async (steps) => {
      await run(steps);
    }),
    { numRuns: 400 },
  );
});

test('a node leaving: its objects are deleted at once by the owner and, for orphans, by the cleaner', async () => {
  const made = await run([
    { step: { kind: 'owner', service: 'default/s2', owner: SELF, layered: true }, pauseMs: 100 },
    { step: { kind: 'live', node: 'node-b', alive: false }, pauseMs: 100 },
    { step: { kind: 'owner', service: 'ns/s3', owner: undefined, layered: true }, pauseMs: 100 },
    { step: { kind: 'live', node: 'node-c', alive: false }, pauseMs: 100 },
    { step: { kind: 'live', node: 'node-0', alive: false }, pauseMs: 100 },
  ]);
  // Within node-b's grace (3 s), deleted when it left; node-c's orphan once this node was the cleaner.
  expect(made).toContain('1000100 delete l2-default.s2.node-b');
  expect(made).toContain('1000400 delete l2-ns.s3.node-c');
});
