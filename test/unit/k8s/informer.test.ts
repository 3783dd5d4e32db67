import {
  ApiGate,
  backoffDelay,
  Informer,
  KindStore,
  KubeApiError,
  type RawObject,
} from '../../../src/k8s/index.ts';
import { FakeApi } from './fake-api.ts';

const node = (name: string, rv: string): RawObject => ({ metadata: { name, resourceVersion: rv } });
const names = (store: KindStore<RawObject>) => store.values().map((o) => o.metadata?.name);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

function setup(options = {}) {
  const api = new FakeApi();
  const store = new KindStore<RawObject>((object) => object);
  const seen = { changed: 0, synced: 0, failed: [] as [Error, number][] };
  const informer = new Informer(
    api,
    { name: 'nodes', path: '/api/v1/nodes', labelSelector: 'a=b' },
    store,
    {
      changed: () => seen.changed++,
      synced: () => seen.synced++,
      failed: (err, retryInMs) => seen.failed.push([err, retryInMs]),
    },
    { pageSize: 2, backoffInitialMs: 1, backoffMaxMs: 4, random: () => 0, ...options },
  );
  return { api, store, seen, informer };
}

test('lists in pages, then watches from the list version with bookmarks', async () => {
  const { api, store, seen, informer } = setup();
  api.objects = ['c', 'a', 'e', 'b', 'd'].map((n) => node(n, '1'));
  informer.start();
  await until(() => api.watches.length === 1);
  expect(api.lists.map((q) => q['continue'])).toEqual([undefined, '2', '4']);
  expect(api.lists[0]).toMatchObject({ limit: '2', labelSelector: 'a=b' });
  expect(names(store)).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(seen).toMatchObject({ changed: 1, synced: 1 });
  expect(api.watches[0]?.query).toMatchObject({
    resourceVersion: '10',
    allowWatchBookmarks: 'true',
    labelSelector: 'a=b',
  });
  await informer.stop();
});

test('watch events change the store; a closed watch resumes from the last version seen, bookmarks included', async () => {
  const { api, store, seen, informer } = setup();
  informer.start();
  await until(() => api.watches.length === 1);
  const watch = api.watches[0];
  watch?.emit('ADDED', node('x', '11'));
  watch?.emit('MODIFIED', node('x', '12'));
  watch?.emit('ADDED', node('y', '13'));
  watch?.emit('DELETED', node('y', '14'));
  watch?.emit('BOOKMARK', node('', '20'));
  expect(names(store)).toEqual(['x']);
  expect(store.values()[0]?.metadata?.resourceVersion).toBe('12');
  expect(seen.changed).toBe(4);
  watch?.done();
  await until(() => api.watches.length === 2);
  expect(api.watches[1]?.query['resourceVersion']).toBe('20');
  expect(api.lists).toHaveLength(1);
  await informer.stop();
});

test('an expired version (410 event) relists at once; other failures back off, then retry', async () => {
  const { api, seen, informer } = setup();
  api.listFailures = [new KubeApiError('GET', '/api/v1/nodes', 503, 'unavailable')];
  informer.start();
  await until(() => api.watches.length === 1);
  expect(seen.failed).toHaveLength(1);
  expect(seen.failed[0]?.[1]).toBe(1);
  expect(seen.synced).toBe(1);
  api.watches[0]?.emit('ERROR', { code: 410, reason: 'Expired', message: 'too old' } as RawObject);
  await until(() => api.watches.length === 2);
  expect(api.lists).toHaveLength(3);
  expect(seen.failed).toHaveLength(1);
  api.watches[1]?.done(new KubeApiError('WATCH', '/api/v1/nodes', undefined, 'reset'));
  await until(() => api.watches.length === 3);
  expect(api.lists).toHaveLength(3);
  expect(seen.failed).toHaveLength(2);
  expect(seen.synced).toBe(1);
  await informer.stop();
});

test('relist() drops the watch and lists again, keeping unchanged objects', async () => {
  const { api, store, seen, informer } = setup();
  api.objects = [node('a', '1')];
  informer.start();
  await until(() => api.watches.length === 1);
  const before = store.values();
  informer.relist();
  await until(() => api.watches.length === 2);
  expect(api.lists).toHaveLength(2);
  expect(store.values()).toBe(before);
  expect(seen.changed).toBe(1);
  await informer.stop();
});

test('stop() during a list ends the loop without starting a watch', async () => {
  const { api, informer } = setup();
  let open: () => void = () => undefined;
  api.listGate = new Promise((resolve) => (open = resolve));
  informer.start();
  await until(() => api.lists.length === 1);
  const stopped = informer.stop();
  open();
  await stopped;
  expect(api.watches).toHaveLength(0);
});

test('backoff doubles up to its ceiling, jitter takes off up to half', () => {
  expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 500, 30_000, () => 0))).toEqual([
    500, 1000, 2000, 4000, 30_000,
  ]);
  expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(1000);
});

test('informers sharing a gate send nothing while it is open: only its probes ask the server', async () => {
  const api = new FakeApi();
  let serverUp = false;
  let probes = 0;
  const gate = new ApiGate(
    async () => {
      probes += 1;
      if (!serverUp) throw new KubeApiError('GET', '/api/v1/nodes', undefined, 'ECONNREFUSED');
    },
    { opened: () => undefined, closed: () => undefined },
    { initialDelayMs: 5, maxDelayMs: 5, random: () => 0 },
  );
  const informers = ['a', 'b', 'c'].map(
    (name) =>
      new Informer(
        api,
        { name, path: `/api/v1/${name}` },
        new KindStore<RawObject>((object) => object),
        { changed: () => undefined, synced: () => undefined, failed: () => undefined },
        { backoffInitialMs: 1, backoffMaxMs: 1, random: () => 0, gate },
      ),
  );
  for (const informer of informers) informer.start();
  await until(() => api.watches.length === 3);
  const lists = api.lists.length;
  for (const watch of api.watches) watch.done(new KubeApiError('WATCH', '/x', undefined, 'reset'));
  await new Promise((r) => setTimeout(r, 60));
  expect(gate.isOpen).toBe(true);
  expect(probes).toBeGreaterThan(3);
  // Without the gate each informer would have re-watched every millisecond.
  expect(api.watches).toHaveLength(3);
  serverUp = true;
  await until(() => api.watches.length === 6);
  expect(api.lists).toHaveLength(lists);
  gate.stop();
  await Promise.all(informers.map((informer) => informer.stop()));
});
