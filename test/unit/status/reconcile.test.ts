import fc from 'fast-check';
import {
  LABEL_NODE,
  isValidObjectName,
  objectName,
  reconcile,
  statusLabels,
  type ReconcileInput,
  type StatusObject,
} from '../../../src/status/index.ts';

const pod = { name: 'speaker-a', uid: 'pod-a' };

function object(node: string, extra: Partial<StatusObject> = {}, service = 'web'): StatusObject {
  return {
    name: objectName('default', service, node),
    uid: `uid-${node}`,
    resourceVersion: '7',
    labels: statusLabels('default', service, node),
    ownerReferences: node === 'node-a' ? [{ kind: 'Pod', name: pod.name, uid: pod.uid }] : [],
    status: { node, serviceName: service, serviceNamespace: 'default' },
    ...extra,
  };
}

function input(extra: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    self: 'node-a',
    pod,
    service: 'default/web',
    known: true,
    owner: 'node-a',
    interfaces: [],
    liveNodes: new Set(['node-a', 'node-b', 'node-c']),
    lowestLiveNode: 'node-a',
    objects: [],
    nowMs: 10_000,
    ownedSinceMs: 10_000,
    peerGraceMs: 3_000,
    eventPending: false,
    ...extra,
  };
}

describe('the owner', () => {
  test('creates its object when none exists: labels, Pod owner, and a node change to announce', () => {
    expect(reconcile(input()).ops).toEqual([
      {
        verb: 'create',
        object: {
          name: 'l2-default.web.node-a',
          labels: statusLabels('default', 'web', 'node-a'),
          owner: pod,
        },
        nodeChanged: true,
      },
    ]);
  });

  test('writes status through /status once the object exists, guarded by its resourceVersion', () => {
    const created = object('node-a', { status: undefined });
    expect(reconcile(input({ objects: [created], interfaces: ['eth1', 'eth0', 'eth0'] })).ops).toEqual([
      {
        verb: 'patchStatus',
        name: created.name,
        resourceVersion: '7',
        status: {
          node: 'node-a',
          serviceName: 'web',
          serviceNamespace: 'default',
          interfaces: ['eth0', 'eth1'],
        },
      },
    ]);
  });

  test('makes no write when its object is as it should be', () => {
    expect(reconcile(input({ objects: [object('node-a')] }))).toEqual({ ops: [] });
  });

  test('replaces, never patches, an object whose immutable field differs', () => {
    for (const status of [
      { node: 'node-z', serviceName: 'web', serviceNamespace: 'default' },
      { node: 'node-a', serviceName: 'api', serviceNamespace: 'default' },
      { node: 'node-a', serviceName: 'web', serviceNamespace: 'other' },
    ]) {
      const ops = reconcile(input({ objects: [object('node-a', { status })] })).ops;
      expect(ops).toEqual([
        { verb: 'delete', name: 'l2-default.web.node-a', uid: 'uid-node-a', reason: 'immutable-mismatch' },
      ]);
    }
  });

  test('replaces its object when the owner reference is a replaced Pod or labels are wrong', () => {
    const stale = object('node-a', { ownerReferences: [{ kind: 'Pod', name: 'speaker-a', uid: 'old' }] });
    expect(reconcile(input({ objects: [stale] })).ops[0]).toMatchObject({
      verb: 'delete',
      reason: 'stale-owner',
    });
    const unlabelled = object('node-a', { labels: { [LABEL_NODE]: 'node-a' } });
    expect(reconcile(input({ objects: [unlabelled] })).ops[0]).toMatchObject({
      verb: 'delete',
      reason: 'stale-owner',
    });
    expect(reconcile(input({ pod: undefined, objects: [stale] })).ops).toEqual([]);
  });

  test('deletes a dead node’s object at once, a live node’s only after the grace period', () => {
    const objects = [object('node-a'), object('node-b'), object('node-d')];
    const early = reconcile(input({ objects, nowMs: 11_000 }));
    expect(early.ops).toEqual([
      { verb: 'delete', name: 'l2-default.web.node-d', uid: 'uid-node-d', reason: 'other-node' },
    ]);
    expect(early.recheckAtMs).toBe(13_000);
    const late = reconcile(input({ objects, nowMs: 13_000 }));
    expect(late.ops.map((op) => op.verb === 'delete' && op.name)).toEqual([
      'l2-default.web.node-b',
      'l2-default.web.node-d',
    ]);
  });

  test('deletes a second object of its own under another name (e.g. MetalLB’s generated one)', () => {
    const generated = object('node-a', { name: 'l2-x7k2p', uid: 'gen' });
    expect(reconcile(input({ objects: [object('node-a'), generated] })).ops).toEqual([
      { verb: 'delete', name: 'l2-x7k2p', uid: 'gen', reason: 'duplicate' },
    ]);
  });

  test('writes the pending Event only once its own object is right', () => {
    expect(reconcile(input({ eventPending: true })).ops.map((op) => op.verb)).toEqual(['create']);
    expect(reconcile(input({ eventPending: true, objects: [object('node-a')] })).ops).toEqual([
      { verb: 'event', service: 'default/web', node: 'node-a' },
    ]);
  });

  test('a create after the record showed this node is no node change', () => {
    const generated = object('node-a', { name: 'l2-x7k2p' });
    expect(reconcile(input({ objects: [generated] })).ops[0]).toMatchObject({
      verb: 'create',
      nodeChanged: false,
    });
  });
});

describe('a node that does not own the service', () => {
  test('deletes its own object, and only its own', () => {
    const objects = [object('node-a'), object('node-b')];
    expect(reconcile(input({ owner: 'node-b', objects })).ops).toEqual([
      { verb: 'delete', name: 'l2-default.web.node-a', uid: 'uid-node-a', reason: 'not-owner' },
    ]);
  });

  test('deleted service: each node deletes its own; a dead node’s is the lowest live node’s', () => {
    const objects = [object('node-b'), object('node-d')];
    const lowest = reconcile(input({ known: false, owner: undefined, objects }));
    expect(lowest.ops).toEqual([
      { verb: 'delete', name: 'l2-default.web.node-d', uid: 'uid-node-d', reason: 'orphan' },
    ]);
    expect(reconcile(input({ self: 'node-c', known: false, owner: undefined, objects })).ops).toEqual([]);
    expect(reconcile(input({ self: 'node-b', known: false, owner: undefined, objects })).ops).toEqual([
      { verb: 'delete', name: 'l2-default.web.node-b', uid: 'uid-node-b', reason: 'not-owner' },
    ]);
  });

  test('owned elsewhere: a dead node’s object is left to the owner', () => {
    expect(reconcile(input({ owner: 'node-b', objects: [object('node-d')] })).ops).toEqual([]);
  });
});

describe('invariants over random observed states', () => {
  const nodes = ['node-a', 'node-b', 'node-c', 'node-d'];
  const arbObject = fc.record({
    node: fc.constantFrom(...nodes),
    statusNode: fc.option(fc.constantFrom(...nodes), { nil: undefined }),
    ownName: fc.boolean(),
    podUid: fc.constantFrom('pod-a', 'old'),
  });
  const arbInput = fc.record({
    objects: fc.array(arbObject, { maxLength: 6 }),
    owner: fc.option(fc.constantFrom(...nodes), { nil: undefined }),
    known: fc.boolean(),
    live: fc.subarray(nodes),
    now: fc.integer({ min: 10_000, max: 20_000 }),
  });

  test('no patch ever changes an immutable field; no write touches another node’s object unless owner or cleaner', () => {
    fc.assert(
      fc.property(arbInput, (arb) => {
        const all = arb.objects.map((o, i): StatusObject => ({
          ...object(o.node, { uid: `u${i}` }),
          name: o.ownName ? objectName('default', 'web', o.node) : `l2-other-${i}`,
          ownerReferences: [{ kind: 'Pod', name: 'speaker', uid: o.podUid }],
          status:
            o.statusNode === undefined
              ? undefined
              : { node: o.statusNode, serviceName: 'web', serviceNamespace: 'default' },
        }));
        // Names are unique in a namespace.
        const objects = all.filter((o, i) => all.findIndex((p) => p.name === o.name) === i);
        const live = new Set(arb.live);
        const result = reconcile(
          input({
            objects,
            owner: arb.owner,
            known: arb.known,
            liveNodes: live,
            lowestLiveNode: [...live].sort()[0],
            nowMs: arb.now,
          }),
        );
        for (const op of result.ops) {
          if (op.verb === 'patchStatus') {
            const target = objects.find((o) => o.name === op.name);
            expect(target?.labels[LABEL_NODE]).toBe('node-a');
            expect(target?.status?.node ?? 'node-a').toBe('node-a');
            expect(op.status.node).toBe('node-a');
          }
          if (op.verb === 'delete') {
            const target = objects.find((o) => o.uid === op.uid);
            const node = target?.labels[LABEL_NODE];
            const owner = arb.known && arb.owner === 'node-a';
            const cleaner =
              (!arb.known || arb.owner === undefined) &&
              [...live].sort()[0] === 'node-a' &&
              !live.has(node ?? '');
            expect(node === 'node-a' || owner || cleaner).toBe(true);
          }
          if (op.verb === 'create') expect(objects.some((o) => o.name === op.object.name)).toBe(false);
        }
        // At most one write on our own name per pass, and it comes first.
        const own = result.ops.filter(
          (op) =>
            (op.verb === 'create' ? op.object.name : 'name' in op ? op.name : '') === 'l2-default.web.node-a',
        );
        expect(own.length).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('names', () => {
  test('deterministic, readable when short, valid and bounded with a hash when long', () => {
    expect(objectName('default', 'web', 'node-a')).toBe('l2-default.web.node-a');
    const long = objectName(
      'team-' + 'x'.repeat(50),
      'svc-' + 'y'.repeat(50),
      'worker-' + 'z'.repeat(60) + '.example.com',
    );
    expect(long.length).toBeLessThanOrEqual(63);
    expect(isValidObjectName(long)).toBe(true);
    expect(long).toMatch(/-[0-9a-f]{16}$/);
    expect(
      objectName(
        'team-' + 'x'.repeat(50),
        'svc-' + 'y'.repeat(50),
        'worker-' + 'z'.repeat(60) + '.example.com',
      ),
    ).toBe(long);
  });

  test('parts cannot run into each other, and invalid characters are hashed, not lost', () => {
    expect(objectName('a-b', 'c', 'n')).not.toBe(objectName('a', 'b-c', 'n'));
    expect(objectName('a', 'b', 'c.d')).not.toBe(objectName('a', 'b.c', 'd'));
    const upper = objectName('default', 'web', 'Node_A');
    expect(isValidObjectName(upper)).toBe(true);
    expect(upper).not.toBe(objectName('default', 'web', 'node-a'));
  });

  test('every name is a valid DNS-1123 subdomain within 63 characters', () => {
    const part = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/);
    fc.assert(
      fc.property(part, part, fc.array(part, { minLength: 1, maxLength: 4 }), (ns, svc, node) => {
        const name = objectName(ns, svc, node.join('.'));
        expect(name.length).toBeLessThanOrEqual(63);
        expect(isValidObjectName(name)).toBe(true);
      }),
    );
  });
});
