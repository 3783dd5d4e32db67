import { ObservedObjects } from '../../../src/status/observed.ts';
import { LABEL_NODE, objectName, statusLabels, type StatusObject } from '../../../src/status/index.ts';

function object(service: string, node: string, uid = `uid-${service}-${node}`): StatusObject {
  return {
    name: objectName('default', service, node),
    uid,
    resourceVersion: '1',
    labels: statusLabels('default', service, node),
    ownerReferences: [],
  };
}

test('services by node follow the watch and the overlay of our own writes', () => {
  const observed = new ObservedObjects(30_000);
  const live = new Set(['node-a', 'node-b']);
  observed.replaceAll([object('web', 'node-b'), object('api', 'node-c')]);
  expect(observed.servicesOnNodes(['node-b'])).toEqual(new Set(['default/web']));
  expect(observed.servicesOffNodes(live)).toEqual(new Set(['default/api']));

  // Our delete of node-c's object counts before the watch confirms it.
  const gone = object('api', 'node-c');
  observed.wrote(gone.name, gone.uid, undefined, 0);
  expect(observed.servicesOnNodes(['node-c'])).toEqual(new Set());
  expect(observed.servicesOffNodes(live)).toEqual(new Set());

  // Unconfirmed, it yields to the watch after the TTL: the object is seen again.
  observed.expire(30_000);
  expect(observed.servicesOnNodes(['node-c'])).toEqual(new Set(['default/api']));

  // Created by us, then seen relabelled by the watch; an object with no node label is off every node.
  const own = object('db', 'node-a');
  observed.wrote(own.name, own.uid, own, 0);
  expect(observed.servicesOnNodes(['node-a'])).toEqual(new Set(['default/db']));
  const unlabelled = Object.fromEntries(Object.entries(own.labels).filter(([key]) => key !== LABEL_NODE));
  observed.upsert({ ...own, resourceVersion: '1', labels: unlabelled });
  expect(observed.servicesOnNodes(['node-a'])).toEqual(new Set());
  expect(observed.servicesOffNodes(live)).toEqual(new Set(['default/api', 'default/db']));
  observed.remove({ ...own, labels: unlabelled });
  observed.replaceAll([]);
  expect(observed.servicesOffNodes(new Set())).toEqual(new Set());
});

test("a service's objects are found by label, however many there are", () => {
  const observed = new ObservedObjects(30_000);
  const a = object('web', 'node-a');
  const b = object('web', 'node-b');
  const c = object('web', 'node-c');
  observed.replaceAll([a, b]);
  expect(observed.ofService('default/web')).toEqual([a, b]);
  observed.wrote(c.name, c.uid, c, 0);
  expect(observed.ofService('default/web')).toEqual([a, b, c]);
  observed.remove(a);
  observed.wrote(b.name, b.uid, undefined, 0);
  expect(observed.ofService('default/web')).toEqual([c]);
  expect(observed.services()).toEqual(new Set(['default/web']));
  observed.wrote(c.name, c.uid, undefined, 0);
  expect(observed.ofService('default/web')).toEqual([]);
  expect(observed.services()).toEqual(new Set());
  expect(observed.size).toBe(0);
});
