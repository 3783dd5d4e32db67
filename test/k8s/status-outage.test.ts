/**
 * The API server unreachable for 60 s (SIGSTOP: connections hang, the worst case) while ownership moves:
 * each publisher (its own process) sends at most 12 requests in that minute, counted by the publisher
 * and independently from node:http's diagnostics channel, and status converges within 5 s of SIGCONT.
 */
import { PublisherDriver, useStatusServer, waitConverged, type DriverStats } from './drivers/harness.ts';

const nodes = ['node-a', 'node-b', 'node-c'];
const services = ['default/svc-0', 'default/svc-1', 'default/svc-2'];
const interfaces = ['eth0'];
const outageMs = 60_000;

const lab = useStatusServer();

const ownersAt = (step: number) => new Map(services.map((svc, i) => [svc, nodes[(step + i) % 3] ?? '']));
const ifaces = Object.fromEntries(services.map((s) => [s, interfaces]));

function only(stats: DriverStats) {
  const node = Object.values(stats.nodes)[0];
  if (node === undefined) throw new Error('driver without a publisher');
  return node;
}

test('API server stopped for 60 s: <= 12 requests a minute per publisher, converged within 5 s after', async () => {
  const access = lab.server().access;
  for (const name of nodes)
    lab.drivers.push(
      await PublisherDriver.start({
        kubeconfig: lab.server().kubeconfig,
        nodes: [{ name }],
        tunables: { resyncMs: 5_000 },
        logLevel: process.env['STATUS_DRIVER_LOGS'] ?? 'warn',
      }),
    );
  for (const driver of lab.drivers) await driver.update([...ownersAt(0)], nodes, ifaces);
  await waitConverged(access, ownersAt(0), interfaces, 20_000);
  for (const driver of lab.drivers) expect(await driver.waitIdle()).toBe(true);

  const before = await Promise.all(lab.drivers.map((d) => d.stats()));
  lab.server().pause();
  const pausedAt = Date.now();
  for (const driver of lab.drivers) await driver.update([...ownersAt(1)], nodes, ifaces);
  await new Promise((r) => setTimeout(r, outageMs - (Date.now() - pausedAt)));
  const during = await Promise.all(lab.drivers.map((d) => d.stats()));
  lab.server().resume();
  const resumedAt = Date.now();
  const convergeMs = await waitConverged(access, ownersAt(1), interfaces, 30_000);
  const after = await Promise.all(lab.drivers.map((d) => d.stats()));

  const report = nodes.map((name, i) => {
    const b = before[i] as DriverStats;
    const d = during[i] as DriverStats;
    return {
      node: name,
      publisherRequests: only(d).requests - only(b).requests,
      httpRequests: d.requestTimes.filter((t) => t >= pausedAt && t < resumedAt).length,
      requestsWhileBreakerOpen: only(d).requestsWhileBreakerOpen,
      breakerOpened: only(d).breakerOpened,
      breakerOpenAtResume: only(d).breakerOpen,
      breakerOpenAfter: only(after[i] as DriverStats).breakerOpen,
    };
  });
  console.log(JSON.stringify({ outageMs: resumedAt - pausedAt, convergeMs, report }));
  for (const r of report) {
    expect(r.publisherRequests).toBeLessThanOrEqual(12);
    expect(r.httpRequests).toBeLessThanOrEqual(12);
    expect(r.breakerOpenAtResume).toBe(true);
  }
  // Every publisher had writes to make while the server was stopped, so every one probed.
  expect(Math.min(...report.map((r) => r.requestsWhileBreakerOpen))).toBeGreaterThan(0);
  expect(convergeMs).toBeLessThanOrEqual(5_000);
  for (const s of after) expect(only(s).writes['patchStatus']?.['invalid']).toBe(0);
  for (const driver of lab.drivers) await driver.close();
}, 600_000);
