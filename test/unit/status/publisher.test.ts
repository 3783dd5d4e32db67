import type winston from 'winston';
import {
  createStatusPublisher,
  objectName,
  statusLabels,
  type StatusDesired,
  type StatusTunables,
} from '../../../src/status/index.ts';
import { FakeApi, FakeClock, apiError } from './fakes.ts';

interface LogLine {
  level: string;
  message: string;
}

function setup(tunables: StatusTunables = {}) {
  const clock = new FakeClock();
  const api = new FakeApi(clock);
  const logs: LogLine[] = [];
  const record = (level: string) => (message: string) => logs.push({ level, message });
  const logger = {
    warn: record('warn'),
    info: record('info'),
    error: record('error'),
    debug: record('debug'),
  };
  const publisher = createStatusPublisher(
    { nodeName: 'node-a', pod: { name: 'speaker-a', uid: 'pod-a' }, ...tunables },
    { api, clock, logger: logger as unknown as winston.Logger, random: () => 0.5 },
  );
  return { clock, api, logs, publisher };
}

const live = ['node-a', 'node-b', 'node-c'];

function desired(
  owners: Record<string, string | undefined>,
  interfaces: Record<string, string[]> = {},
): StatusDesired {
  return {
    owners: new Map(Object.entries(owners)),
    interfaces: new Map(Object.entries(interfaces)),
    liveNodes: live,
  };
}

const writes = (api: FakeApi) => api.calls.filter((c) => c.operation !== 'list' && c.operation !== 'get');

test('update() returns at once; the owner then creates, writes status and announces, once', async () => {
  const { clock, api, publisher } = setup();
  publisher.update(desired({ 'default/web': 'node-a' }, { 'default/web': ['eth0'] }));
  expect(api.count('create')).toBe(0);
  await clock.advance(100);
  expect(writes(api).map((c) => c.operation)).toEqual(['create', 'patchStatus', 'event']);
  expect(api.objects.get('l2-default.web.node-a')).toMatchObject({
    labels: statusLabels('default', 'web', 'node-a'),
    ownerReferences: [{ kind: 'Pod', name: 'speaker-a', uid: 'pod-a' }],
    status: { node: 'node-a', serviceName: 'web', serviceNamespace: 'default', interfaces: ['eth0'] },
  });
  expect(api.events).toEqual([
    expect.objectContaining({ reason: 'nodeAssigned', serviceName: 'web', node: 'node-a' }),
  ]);
  expect(publisher.stats().writes.create.ok).toBe(1);
  await publisher.close();
});

test('a refused service: one Warning Event from the lowest-named live node, again only for a new reason', async () => {
  const { clock, api, publisher } = setup();
  const refused = (reason: string, liveNodes = live): StatusDesired => ({
    ...desired({ 'default/web': undefined }),
    liveNodes,
    refusals: new Map([['default/web', reason]]),
  });
  publisher.update(refused('shares an IP'));
  publisher.update(refused('shares an IP'));
  await clock.advance(100);
  expect(api.events).toEqual([
    expect.objectContaining({
      type: 'Warning',
      reason: 'announceRefused',
      message: 'not announced: shares an IP',
    }),
  ]);
  publisher.update(refused('shares an IP'));
  await clock.advance(100);
  publisher.update(refused('another reason'));
  await clock.advance(100);
  expect(api.events.map((e) => e.message)).toEqual([
    'not announced: shares an IP',
    'not announced: another reason',
  ]);
  // Not the lowest-named live node: node-0 records it, this node does not.
  publisher.update(refused('a third reason', ['node-0', ...live]));
  await clock.advance(100);
  expect(api.events).toHaveLength(2);
  await publisher.close();
});

test('coalesces: of many desired states given at once, only the latest is written', async () => {
  const { clock, api, publisher } = setup();
  for (let i = 0; i < 50; i++)
    publisher.update(desired({ 'default/web': 'node-a' }, { 'default/web': [`eth${i}`] }));
  await clock.advance(100);
  expect(api.count('create')).toBe(1);
  expect(api.count('patchStatus')).toBe(1);
  expect(api.objects.get('l2-default.web.node-a')?.status?.interfaces).toEqual(['eth49']);
  await publisher.close();
});

test('a node that loses a service deletes its own object and writes nothing else', async () => {
  const { clock, api, publisher } = setup();
  publisher.update(desired({ 'default/web': 'node-a' }));
  await clock.advance(100);
  api.put({
    name: objectName('default', 'web', 'node-b'),
    labels: statusLabels('default', 'web', 'node-b'),
    ownerReferences: [],
  });
  const before = writes(api).length;
  publisher.update(desired({ 'default/web': 'node-b' }));
  await clock.advance(10_000);
  expect(writes(api).slice(before)).toEqual([
    expect.objectContaining({ operation: 'delete', target: 'l2-default.web.node-a' }),
  ]);
  expect([...api.objects.keys()]).toEqual(['l2-default.web.node-b']);
  await publisher.close();
});

test('the token bucket spaces requests: burst first, then the rate', async () => {
  const { clock, api, publisher } = setup({ ratePerSecond: 5, burst: 5 });
  const owners = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`default/svc-${i}`, 'node-a']));
  publisher.update(desired(owners));
  await clock.advance(0);
  expect(writes(api)).toHaveLength(5);
  await clock.advance(1_000);
  expect(writes(api)).toHaveLength(10);
  expect(publisher.stats().queueDepth).toBeGreaterThan(0);
  await clock.advance(60_000);
  expect(api.objects.size).toBe(30);
  expect(publisher.stats().queueDepth).toBe(0);
  await publisher.close();
});

test('a failing write backs off exponentially per service and is logged once, not per retry', async () => {
  const { clock, api, logs, publisher } = setup();
  api.failWith = (operation) => (operation === 'create' ? apiError('forbidden') : undefined);
  publisher.update(desired({ 'default/web': 'node-a', 'default/api': 'node-a' }));
  await clock.advance(120_000);
  const times = api.calls
    .filter((c) => c.operation === 'create' && c.target.includes('web'))
    .map((c) => c.at);
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
  expect(gaps.slice(0, 8)).toEqual([150, 300, 600, 1200, 2400, 4800, 9600, 19_200]);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
  expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  expect(publisher.stats().writes.create.forbidden).toBe(times.length * 2);
  api.failWith = () => undefined;
  await clock.advance(30_000);
  expect(api.objects.size).toBe(2);
  expect(logs.filter((l) => l.message.includes('succeed again'))).toHaveLength(2);
  await publisher.close();
});

test('429 pauses the whole queue for Retry-After', async () => {
  const { clock, api, publisher } = setup();
  let throttled = true;
  api.failWith = (operation) =>
    operation === 'create' && throttled ? apiError('throttled', 'create', 5_000) : undefined;
  publisher.update(desired({ 'default/web': 'node-a', 'default/api': 'node-a', 'default/db': 'node-a' }));
  await clock.advance(0);
  throttled = false;
  const sent = writes(api).length;
  await clock.advance(4_900);
  expect(writes(api).length).toBe(sent);
  await clock.advance(200);
  expect(writes(api).length).toBeGreaterThan(sent);
  await publisher.close();
});

test('API server down: the breaker sends one probe at a time, <= 12 requests a minute; writes resume after', async () => {
  const { clock, api, logs, publisher } = setup();
  publisher.update(desired({ 'default/web': 'node-a' }));
  await clock.advance(100);
  api.failWith = () => apiError('unavailable');
  const start = api.calls.length;
  publisher.update(desired({ 'default/web': 'node-a', 'default/api': 'node-a', 'default/db': 'node-a' }));
  await clock.advance(60_000);
  const during = api.calls.slice(start);
  expect(during.length).toBeLessThanOrEqual(12);
  expect(during.filter((c) => c.operation === 'probe').length).toBe(
    publisher.stats().requestsWhileBreakerOpen,
  );
  expect(publisher.stats()).toMatchObject({ breakerOpen: true, breakerOpened: 1 });
  expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);
  api.failWith = () => undefined;
  await clock.advance(8_000 * 1.25);
  expect(publisher.stats().breakerOpen).toBe(false);
  expect(api.objects.size).toBe(3);
  await publisher.close();
});

test('a hung API server sees a single probe in flight, never two', async () => {
  const { clock, api, publisher } = setup();
  api.failWith = (operation) => (operation === 'probe' ? 'hang' : apiError('unavailable'));
  publisher.update(desired({ 'default/web': 'node-a' }));
  await clock.advance(300_000);
  expect(api.count('probe')).toBe(1);
  expect(publisher.stats().busy).toBe(true);
  const closed = publisher.close();
  await clock.advance(1_000);
  await closed;
});

test('a resync at rest makes no request', async () => {
  const { clock, api, publisher } = setup({ resyncMs: 1_000 });
  publisher.update(desired({ 'default/web': 'node-a' }, { 'default/web': ['eth0'] }));
  await clock.advance(1_000);
  const calls = api.calls.length;
  await clock.advance(60_000);
  expect(api.calls.length).toBe(calls);
  expect(publisher.stats().resyncs).toBeGreaterThanOrEqual(60);
  await publisher.close();
});

test('a 409 on its own name held by a replaced Pod’s object: GET, delete, create, status', async () => {
  const { clock, api, publisher } = setup();
  await clock.advance(0);
  // Written behind the watch's back (the watch shows only labelled objects; this one has no labels).
  api.objects.set('l2-default.web.node-a', {
    name: 'l2-default.web.node-a',
    uid: 'old',
    resourceVersion: '1',
    labels: {},
    ownerReferences: [{ kind: 'Pod', name: 'speaker-a', uid: 'pod-old' }],
    status: { node: 'node-a', serviceName: 'web', serviceNamespace: 'default' },
  });
  publisher.update(desired({ 'default/web': 'node-a' }));
  await clock.advance(5_000);
  expect(api.calls.filter((c) => c.operation !== 'list').map((c) => c.operation)).toEqual([
    'create',
    'get',
    'delete',
    'create',
    'patchStatus',
  ]);
  expect(api.objects.get('l2-default.web.node-a')?.ownerReferences).toEqual([
    { kind: 'Pod', name: 'speaker-a', uid: 'pod-a' },
  ]);
  expect(api.events).toEqual([]);
  await publisher.close();
});

test('the watch restarts with backoff, and waits for the breaker while the server is down', async () => {
  const { clock, api, publisher } = setup();
  await clock.advance(0);
  api.failWith = (operation) => (operation === 'list' ? apiError('forbidden', 'list') : undefined);
  api.breakWatch(apiError('forbidden', 'watch'));
  await clock.advance(60_000);
  const lists = api.calls.filter((c) => c.operation === 'list').map((c) => c.at);
  const gaps = lists.slice(2).map((t, i) => t - (lists[i + 1] ?? 0));
  expect(gaps.slice(0, 4)).toEqual([1_500, 3_000, 6_000, 12_000]);
  expect(publisher.stats().watchErrors).toBe(lists.length);

  api.failWith = () => apiError('unavailable');
  api.breakWatch(apiError('unavailable', 'watch'));
  api.breakWatch(apiError('unavailable', 'watch'));
  const listsBefore = api.count('list');
  await clock.advance(60_000);
  expect(publisher.stats().breakerOpen).toBe(true);
  expect(api.count('list')).toBe(listsBefore);
  api.failWith = () => undefined;
  await clock.advance(10_000);
  expect(api.count('list')).toBe(listsBefore + 1);
  expect(publisher.stats().synced).toBe(true);
  await publisher.close();
});

test('a slow watch: our own answers stand in for it, so no write is made twice', async () => {
  const { clock, api, publisher } = setup();
  await clock.advance(0);
  api.lag = true;
  publisher.update(desired({ 'default/web': 'node-a' }, { 'default/web': ['eth0'] }));
  await clock.advance(1_000);
  publisher.update(desired({ 'default/web': 'node-a' }, { 'default/web': ['eth0'] }));
  await clock.advance(1_000);
  expect(writes(api).map((c) => c.operation)).toEqual(['create', 'patchStatus', 'event']);
  api.flushWatch();
  publisher.update(desired({ 'default/web': 'node-b' }));
  await clock.advance(1_000);
  api.flushWatch();
  await clock.advance(60_000);
  expect(writes(api).map((c) => c.operation)).toEqual(['create', 'patchStatus', 'event', 'delete']);
  expect(publisher.stats().objects).toBe(0);
  await publisher.close();
});
