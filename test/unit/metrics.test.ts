import { Registry } from 'prom-client';
import { createMetrics } from '../../src/metrics/index.ts';

async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value;
}

describe('createMetrics', () => {
  it("exposes MetalLB's metric names and label sets", async () => {
    const metrics = createMetrics();
    metrics.layer2RequestsReceived.inc({ ip: '192.0.2.1' });
    metrics.layer2ResponsesSent.inc({ ip: '192.0.2.1' });
    metrics.layer2GratuitousSent.inc({ ip: '192.0.2.1' });
    metrics.setAnnounced('node-a', [{ service: 'default/web', ip: '192.0.2.1' }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE metallb_layer2_requests_received counter');
    expect(text).toContain('metallb_layer2_requests_received{ip="192.0.2.1"} 1');
    expect(text).toContain('metallb_layer2_responses_sent{ip="192.0.2.1"} 1');
    expect(text).toContain('metallb_layer2_gratuitous_sent{ip="192.0.2.1"} 1');
    expect(text).toContain('# TYPE metallb_speaker_announced gauge');
    expect(text).toContain(
      'metallb_speaker_announced{ip="192.0.2.1",node="node-a",protocol="layer2",service="default/web"} 1',
    );
  });

  it("exposes l2speaker's own metrics", async () => {
    const metrics = createMetrics();
    metrics.configReloadsTotal.inc({ result: 'ok' });
    metrics.conflictsTotal.inc({ ip: '2001:db8::1', interface: 'eth0' });
    metrics.announcementsTotal.inc({ interface: 'eth0', kind: 'gain' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('l2speaker_config_reloads_total{result="ok"} 1');
    expect(text).toContain('l2speaker_conflicts_total{ip="2001:db8::1",interface="eth0"} 1');
    expect(text).toContain('l2speaker_announcements_total{interface="eth0",kind="gain"} 1');
    expect(text).toContain('# TYPE l2speaker_frames_total counter');
  });

  it('registers on the given registry, and two instances do not clash', async () => {
    const registry = new Registry();
    expect(createMetrics(registry).registry).toBe(registry);
    expect(() => createMetrics()).not.toThrow();
    expect(registry.getSingleMetric('l2speaker_frames_total')).toBeDefined();
  });

  it('feeds frame counters from absolute snapshots, never decreasing, across a counter reset', async () => {
    const metrics = createMetrics();
    const labels = { interface: 'eth0', verdict: 'reply', reason: 'arp-request' };
    const frames = () => valueOf(metrics.registry, 'l2speaker_frames_total', labels);
    metrics.setFrameCounts([{ ...labels, count: 5 }]);
    expect(await frames()).toBe(5);
    metrics.setFrameCounts([{ ...labels, count: 5 }]);
    expect(await frames()).toBe(5);
    metrics.setFrameCounts([{ ...labels, count: 12 }]);
    expect(await frames()).toBe(12);
    // The native socket was reopened: its count restarted from zero.
    metrics.setFrameCounts([{ ...labels, count: 3 }]);
    expect(await frames()).toBe(15);
    metrics.setFrameCounts([{ ...labels, reason: 'not-owned', verdict: 'ignore', count: 7 }]);
    expect(await frames()).toBe(15);
    expect(await valueOf(metrics.registry, 'l2speaker_frames_total', { reason: 'not-owned' })).toBe(7);
  });

  it('feeds per-IP layer2 counters from absolute snapshots', async () => {
    const metrics = createMetrics();
    metrics.setLayer2Counts([{ ip: '192.0.2.1', requestsReceived: 4, responsesSent: 3 }]);
    metrics.setLayer2Counts([{ ip: '192.0.2.1', requestsReceived: 10, responsesSent: 9 }]);
    const ip = { ip: '192.0.2.1' };
    expect(await valueOf(metrics.registry, 'metallb_layer2_requests_received', ip)).toBe(10);
    expect(await valueOf(metrics.registry, 'metallb_layer2_responses_sent', ip)).toBe(9);
  });

  it('replaces the announced set', async () => {
    const metrics = createMetrics();
    metrics.setAnnounced('node-a', [{ service: 'default/web', ip: '192.0.2.1' }]);
    metrics.setAnnounced('node-a', [{ service: 'default/db', ip: '192.0.2.2' }]);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('service="default/web"');
    expect(text).toContain('service="default/db"');
  });
});
