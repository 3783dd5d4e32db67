import { KubeApiError, type RawObject } from '../../../src/k8s/index.ts';
import { FakeApi } from '../k8s/fake-api.ts';
import { statusWatch, type StatusApiError, type StatusObject } from '../../../src/status/index.ts';

const object = (name: string, rv: string, node = 'node-a'): RawObject => ({
  metadata: { name, resourceVersion: rv, uid: `uid-${name}`, labels: { 'metallb.io/service-name': name } },
  status: { node, interfaces: [{ name: 'eth0' }] },
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function recorder() {
  const log: string[] = [];
  const errors: StatusApiError[] = [];
  return {
    log,
    errors,
    handlers: {
      onSync: (objects: readonly StatusObject[]) => log.push(`sync ${objects.map((o) => o.name).join(',')}`),
      onUpsert: (o: StatusObject) =>
        log.push(`upsert ${o.name}@${o.resourceVersion} ${o.status?.interfaces?.join()}`),
      onDelete: (o: StatusObject) => log.push(`delete ${o.name}`),
      onError: (e: StatusApiError) => errors.push(e),
    },
  };
}

const target = {
  path: '/apis/metallb.io/v1beta1/namespaces/ns/servicel2statuses',
  labelSelector: 'x',
  timeoutSeconds: 300,
};

test('lists every page, then watches from the list version and resumes from the last version seen', async () => {
  const api = new FakeApi();
  api.objects = Array.from({ length: 501 }, (_, i) => object(`o${i}`, '5'));
  let now = 0;
  const rec = recorder();
  const watch = statusWatch(api, target, rec.handlers, () => now);
  await watch.start();
  expect(api.lists.map((q) => q['continue'])).toEqual([undefined, '500']);
  expect(rec.log[0]?.split(',')).toHaveLength(501);
  await settle();
  expect(api.watches[0]?.query).toMatchObject({
    resourceVersion: '10',
    labelSelector: 'x',
    allowWatchBookmarks: 'true',
  });
  api.watches[0]?.emit('MODIFIED', object('o1', '11'));
  api.watches[0]?.emit('BOOKMARK', { metadata: { resourceVersion: '12' } });
  api.watches[0]?.emit('DELETED', object('o2', '13'));
  now = 300_000;
  api.watches[0]?.done(undefined);
  await settle();
  expect(rec.log.slice(1)).toEqual(['upsert o1@11 eth0', 'delete o2']);
  expect(api.watches[1]?.query['resourceVersion']).toBe('13');
  expect(api.lists).toHaveLength(2);
  expect(rec.errors).toEqual([]);
  await watch.stop();
  api.watches[1]?.emit('ADDED', object('late', '14'));
  expect(api.watches[1]?.aborted).toBe(true);
  expect(rec.log).toHaveLength(3);
});

test('an expired version (410 answer or ERROR event) lists again and delivers a fresh sync', async () => {
  const api = new FakeApi();
  api.objects = [object('a', '1')];
  const rec = recorder();
  const watch = statusWatch(api, target, rec.handlers, () => 0);
  await watch.start();
  await settle();
  api.objects = [object('b', '2')];
  api.watches[0]?.emit('ERROR', { kind: 'Status', code: 410, message: 'too old' } as unknown as RawObject);
  await settle();
  expect(api.watches[0]?.aborted).toBe(true);
  api.objects = [object('c', '3')];
  api.watches[1]?.done(new KubeApiError('WATCH', target.path, 410, 'Expired'));
  await settle();
  expect(rec.log).toEqual(['sync a', 'sync b', 'sync c']);
  expect(api.watches).toHaveLength(3);
  expect(rec.errors).toEqual([]);
});

test('failures go to onError as StatusApiErrors; a watch ended at once is a failure, not a loop', async () => {
  const api = new FakeApi();
  const rec = recorder();
  api.listFailures = [new KubeApiError('GET', target.path, undefined, 'ECONNREFUSED')];
  const watch = statusWatch(api, target, rec.handlers, () => 0);
  await expect(watch.start()).rejects.toMatchObject({ kind: 'unavailable', operation: 'list' });
  await watch.start();
  await settle();
  api.watches[0]?.done(undefined);
  await settle();
  expect(api.watches).toHaveLength(1);
  await watch.start();
  await settle();
  api.watches[1]?.emit('ERROR', { code: 500, message: 'boom' } as unknown as RawObject);
  expect(rec.errors.map((e) => [e.kind, e.operation])).toEqual([
    ['other', 'watch'],
    ['serverError', 'watch'],
  ]);
  expect(rec.errors[0]?.message).toContain('ended after less than 1000 ms');
  expect(rec.errors[1]?.message).toContain('boom');
  expect(api.watches[1]?.aborted).toBe(true);
});
