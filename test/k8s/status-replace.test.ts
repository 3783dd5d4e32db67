/**
 * Objects the publisher must replace, never patch: a 409 on its deterministic name held by an object of
 * a replaced speaker Pod (different uid; left without service labels, so the watch does not show it and
 * the create really meets it), the same with full labels (seen by the watch), and an object whose
 * immutable status.node is another node's. Each is deleted and recreated; no status patch touches it.
 */
import { kubeExpect } from './server.ts';
import { PublisherDriver, useStatusServer, createForeign, listStatuses } from './drivers/harness.ts';

const lab = useStatusServer();

const labels = (svc: string, node = 'node-a') => ({
  'metallb.io/node': node,
  'metallb.io/service-name': svc,
  'metallb.io/service-namespace': 'default',
});
const status = (svc: string, node = 'node-a') => ({ node, serviceName: svc, serviceNamespace: 'default' });
const oldPod = { apiVersion: 'v1', kind: 'Pod', name: 'speaker-a', uid: 'uid-old' };
const newPod = { name: 'speaker-a', uid: 'uid-new' };

test('stale Pod owner (409 and watched) and a wrong immutable field: deleted and recreated, never patched', async () => {
  const access = lab.server().access;
  const old = {
    web: await createForeign(
      access,
      'l2-default.web.node-a',
      { 'metallb.io/node': 'node-a' },
      status('web'),
      [oldPod],
    ),
    db: await createForeign(access, 'l2-default.db.node-a', labels('db'), status('db'), [oldPod]),
    api: await createForeign(access, 'l2-default.api.node-a', labels('api'), status('api', 'node-z'), [
      { ...oldPod, uid: newPod.uid },
    ]),
  };

  const driver = await PublisherDriver.start({
    kubeconfig: lab.server().kubeconfig,
    nodes: [{ name: 'node-a', pod: newPod }],
    logLevel: process.env['STATUS_DRIVER_LOGS'] ?? 'warn',
  });
  lab.drivers.push(driver);
  const owners: [string, string][] = ['web', 'db', 'api', 'new'].map((s) => [`default/${s}`, 'node-a']);
  await driver.update(owners, ['node-a', 'node-b'], { 'default/web': ['eth0'] });
  expect(await driver.waitIdle()).toBe(true);

  const objects = await listStatuses(access);
  expect(objects.map((o) => o.name).sort()).toEqual([
    'l2-default.api.node-a',
    'l2-default.db.node-a',
    'l2-default.new.node-a',
    'l2-default.web.node-a',
  ]);
  for (const o of objects) {
    const svc = o.labels['metallb.io/service-name'] ?? '';
    expect(o.labels).toEqual(labels(svc));
    expect(o.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', ...newPod })]);
    expect(o.status).toEqual(
      svc === 'web' ? { ...status(svc), interfaces: [{ name: 'eth0' }] } : status(svc),
    );
    expect(o.uid).not.toBe(old[svc as keyof typeof old]);
  }

  const stats = (await driver.stats()).nodes['node-a'];
  console.log(JSON.stringify({ writes: stats?.writes, deletes: stats?.deletes, gets: stats?.gets }));
  expect(stats?.writes['create']).toMatchObject({ ok: 4, alreadyExists: 1 });
  expect(stats?.deletes).toEqual({ 'stale-owner': 2, 'immutable-mismatch': 1 });
  // One status write per new object, none on the ones replaced, and no 422 anywhere.
  expect(stats?.writes['patchStatus']).toMatchObject({ ok: 4, invalid: 0, conflict: 0 });
  for (const outcomes of Object.values(stats?.writes ?? {})) expect(outcomes['invalid']).toBe(0);

  // An Event where the record's node changed (none before, node-z before), none for a replaced Pod.
  const events = await kubeExpect(access, [200], 'GET', '/api/v1/namespaces/default/events');
  const items = (
    events.body as { items: { reason: string; involvedObject: { name: string }; message: string }[] }
  ).items;
  const assigned = items.filter((e) => e.reason === 'nodeAssigned');
  expect(assigned.map((e) => e.involvedObject.name).sort()).toEqual(['api', 'new']);
  expect(assigned[0]?.message).toBe('announcing from node "node-a" with protocol "layer2"');
  expect(stats?.writes['event']).toMatchObject({ ok: 2 });
  await driver.close();
}, 300_000);
