import { KindStore, modelConverter, type RawObject, type Rejection } from '../../../src/k8s/index.ts';

const service = (
  name: string,
  rv: string,
  ip = '192.0.2.10',
  extra: Record<string, unknown> = {},
): RawObject => ({
  metadata: { name, namespace: 'default', resourceVersion: rv },
  spec: { type: 'LoadBalancer', ...extra },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

function serviceStore(): { store: KindStore<unknown>; rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  return { store: new KindStore(modelConverter('Service', (r) => rejected.push(r))), rejected };
}

describe('modelConverter', () => {
  test('a list item without kind and apiVersion is validated by src/config into a frozen Service', () => {
    const rejected: Rejection[] = [];
    const convert = modelConverter('Service', (r) => rejected.push(r));
    const svc = convert(service('web', '1', '2001:db8::0:1'));
    expect(svc).toMatchObject({
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' },
      status: { ingressIPs: ['2001:db8::1'] },
    });
    expect(Object.isFrozen(svc)).toBe(true);
    expect(rejected).toEqual([]);
  });

  test('a bad object is skipped and reported with its field, the others stay', () => {
    const { store, rejected } = serviceStore();
    store.upsert(service('good', '1'));
    store.upsert(service('bad', '2', '192.0.2.300'));
    expect(store.values().map((s) => (s as { metadata: { name: string } }).metadata.name)).toEqual(['good']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ kind: 'Service', object: 'default/bad' });
    expect(rejected[0]?.error.field).toBe('status.loadBalancer.ingress[0].ip');
  });
});

describe('KindStore', () => {
  test('a resourceVersion that reads as the same number in another text is another version', () => {
    const { store } = serviceStore();
    store.upsert(service('a', '5'));
    const first = store.values()[0];
    expect(store.upsert(service('a', '5'))).toBe(false);
    expect(store.upsert(service('a', '05', '192.0.2.11'))).toBe(true);
    expect(store.values()[0]).not.toBe(first);
    expect(store.upsert(service('a', 'x7', '192.0.2.12'))).toBe(true);
    expect(store.upsert(service('a', 'x7'))).toBe(false);
  });

  test('values are sorted by namespace/name and keep their identity while the resourceVersion stays', () => {
    const { store } = serviceStore();
    expect(store.upsert(service('b', '1'))).toBe(true);
    expect(store.upsert(service('a', '2'))).toBe(true);
    const first = store.values();
    expect(first.map((s) => (s as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b']);
    expect(store.values()).toBe(first);
    expect(store.upsert(service('a', '2'))).toBe(false);
    expect(store.values()).toBe(first);
    expect(store.upsert(service('a', '3', '192.0.2.11'))).toBe(true);
    const second = store.values();
    expect(second).not.toBe(first);
    expect(second[1]).toBe(first[1]);
    expect(second[0]).not.toBe(first[0]);
  });

  test('a relist reconverts only changed objects, drops the missing ones, and reports whether anything changed', () => {
    const { store } = serviceStore();
    store.beginList();
    store.listPage([service('a', '1'), service('b', '1')]);
    store.listPage([service('c', '1')]);
    expect(store.endList()).toBe(true);
    const before = store.values();
    store.beginList();
    store.listPage([service('a', '1'), service('b', '1'), service('c', '1')]);
    expect(store.endList()).toBe(false);
    expect(store.values()).toBe(before);
    store.beginList();
    store.listPage([service('c', '1'), service('a', '2')]);
    expect(store.endList()).toBe(true);
    const after = store.values();
    expect(after.map((s) => (s as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'c']);
    expect(after[1]).toBe(before[2]);
    expect(after[0]).not.toBe(before[0]);
  });

  test('removing and re-adding keeps the order; removing an unknown or a skipped object changes nothing', () => {
    const { store } = serviceStore();
    for (const name of ['d', 'b', 'c', 'a']) store.upsert(service(name, '1'));
    store.upsert(service('bad', '1', 'nope'));
    expect(store.remove(service('b', '1'))).toBe(true);
    expect(store.remove(service('zz', '1'))).toBe(false);
    expect(store.remove(service('bad', '1'))).toBe(false);
    store.upsert(service('b', '5'));
    expect(store.values().map((s) => (s as { metadata: { name: string } }).metadata.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});
