/**
 * 1,002 ownership moves across three publishers (three services moving at once, 334 steps), against
 * the real API server that enforces `status.node` immutability: no HTTP 422, at most 3 writes per move,
 * one object per service, nothing left of a deleted service or a dead node, and no write at rest over
 * several resync periods. STATUS_REST_MS sets the rest period (default 60 s; 600000 for the full 10
 * minutes, run by hand: it stays out of CI).
 */
import {
  PublisherDriver,
  useStatusServer,
  byService,
  createForeign,
  listStatuses,
  waitConverged,
  type DriverStats,
} from './drivers/harness.ts';

const nodes = ['node-a', 'node-b', 'node-c'];
const services = ['default/svc-0', 'default/svc-1', 'default/svc-2'];
const interfaces = ['eth0'];
const steps = 334;
const restMs = Number(process.env['STATUS_REST_MS'] ?? 60_000);
const resyncMs = 5_000;

const lab = useStatusServer();

function writesOf(stats: DriverStats): { total: number; invalid: number; byVerb: Record<string, number> } {
  let total = 0;
  let invalid = 0;
  const byVerb: Record<string, number> = {};
  for (const node of Object.values(stats.nodes)) {
    for (const verb of ['create', 'patchStatus', 'delete']) {
      const outcomes = node.writes[verb] ?? {};
      const sum = Object.values(outcomes).reduce((a, b) => a + b, 0);
      byVerb[verb] = (byVerb[verb] ?? 0) + sum;
      total += sum;
    }
    for (const outcomes of Object.values(node.writes)) invalid += outcomes['invalid'] ?? 0;
  }
  return { total, invalid, byVerb };
}

test('1,002 moves: no 422, at most 3 writes a move, one object per service, nothing stale, 0 writes at rest', async () => {
  const access = lab.server().access;
  // Left by a node that died (node-d) and by a service deleted while its node was down.
  for (const svc of ['svc-0', 'gone'])
    await createForeign(
      access,
      `l2-default.${svc}.node-d`,
      {
        'metallb.io/node': 'node-d',
        'metallb.io/service-name': svc,
        'metallb.io/service-namespace': 'default',
      },
      { node: 'node-d', serviceName: svc, serviceNamespace: 'default' },
    );

  const driver = await PublisherDriver.start({
    kubeconfig: lab.server().kubeconfig,
    nodes: nodes.map((name) => ({ name, pod: { name: `speaker-${name}`, uid: `uid-${name}` } })),
    tunables: { resyncMs, peerGraceMs: 3_000 },
    logLevel: process.env['STATUS_DRIVER_LOGS'] ?? 'warn',
  });
  lab.drivers.push(driver);
  const ifaces = Object.fromEntries(services.map((s) => [s, interfaces]));
  const ownersAt = (step: number) => new Map(services.map((svc, i) => [svc, nodes[(step + i) % 3] ?? '']));

  await driver.update([...ownersAt(0)], nodes, ifaces);
  await waitConverged(access, ownersAt(0), interfaces, 20_000);
  expect(await driver.waitIdle()).toBe(true);
  const before = await driver.stats();

  let slowest = 0;
  const started = Date.now();
  for (let step = 1; step <= steps; step++) {
    await driver.update([...ownersAt(step)], nodes, ifaces);
    slowest = Math.max(slowest, await waitConverged(access, ownersAt(step), interfaces, 20_000));
    expect(await driver.waitIdle()).toBe(true);
  }
  const elapsed = Date.now() - started;
  const after = await driver.stats();
  const moves = steps * services.length;
  const writes = writesOf(after).total - writesOf(before).total;
  const events = Object.values(after.nodes).reduce((n, s) => n + (s.writes['event']?.['ok'] ?? 0), 0);
  console.log(
    JSON.stringify({
      moves,
      elapsedMs: elapsed,
      slowestMoveMs: slowest,
      writes,
      writesPerMove: writes / moves,
      byVerb: writesOf(after).byVerb,
      events,
      invalid: writesOf(after).invalid,
      deletes: Object.fromEntries(Object.entries(after.nodes).map(([n, s]) => [n, s.deletes])),
    }),
  );
  expect(writesOf(after).invalid).toBe(0);
  expect(writes).toBeLessThanOrEqual(3 * moves);

  // A deleted service: its node deletes its object; node-d's leftovers were the lowest live node's.
  const remaining = services.slice(1);
  const finalOwners = new Map([...ownersAt(steps)].filter(([svc]) => remaining.includes(svc)));
  await driver.update([...finalOwners], nodes, ifaces);
  await waitConverged(access, finalOwners, interfaces, 20_000);
  expect(await driver.waitIdle()).toBe(true);
  const atRest = await listStatuses(access);
  expect([...byService(atRest).keys()].sort()).toEqual(remaining);
  expect(atRest.filter((o) => o.labels['metallb.io/node'] === 'node-d')).toEqual([]);

  // At rest: several resyncs, no write at all.
  const restStart = await driver.stats();
  await new Promise((r) => setTimeout(r, restMs));
  const restEnd = await driver.stats();
  const restWrites = writesOf(restEnd).total - writesOf(restStart).total;
  const resyncsAtRest = Object.entries(restEnd.nodes).map(
    ([n, s]) => s.resyncs - (restStart.nodes[n]?.resyncs ?? 0),
  );
  console.log(
    JSON.stringify({
      restMs,
      resyncMs,
      resyncsAtRest,
      restWrites,
      httpRequestsAtRest: restEnd.httpRequests - restStart.httpRequests,
    }),
  );
  expect(Math.min(...resyncsAtRest)).toBeGreaterThanOrEqual(Math.floor(restMs / resyncMs) - 1);
  expect(restWrites).toBe(0);
  expect(await listStatuses(access)).toEqual(atRest);
  await driver.close();
}, 1_800_000);
