import { SharedParts } from '../../../src/status/shared-parts.ts';
import type { StatusObject } from '../../../src/status/index.ts';

const owner = { kind: 'Pod', name: 'speaker-a', uid: 'pod-1' };

function object(name: string, interfaces?: string[]): StatusObject {
  return {
    name,
    uid: `uid-${name}`,
    resourceVersion: '7',
    labels: { 'metallb.io/node': 'node-a' },
    ownerReferences: [{ ...owner }],
    ...(interfaces === undefined
      ? {}
      : { status: { node: 'node-a', serviceName: name, serviceNamespace: 'default', interfaces } }),
  };
}

test('objects keep their values, equal owner references and interface lists are one array', () => {
  const parts = new SharedParts();
  const a = parts.share(object('a', ['eth0']));
  const b = parts.share(object('b', ['eth0']));
  expect(a).toEqual(object('a', ['eth0']));
  expect(b).toEqual(object('b', ['eth0']));
  expect(b.ownerReferences).toBe(a.ownerReferences);
  expect(b.status?.interfaces).toBe(a.status?.interfaces);
});

test('different parts are kept as they are', () => {
  const parts = new SharedParts();
  const a = parts.share(object('a', ['eth0']));
  const other = { ...object('b', ['eth1']), ownerReferences: [{ ...owner, uid: 'pod-2' }] };
  const b = parts.share(other);
  expect(b).toEqual(other);
  expect(b.ownerReferences).not.toBe(a.ownerReferences);
  expect(b.status?.interfaces).toEqual(['eth1']);
  expect(parts.share(object('c'))).toEqual(object('c'));
});
