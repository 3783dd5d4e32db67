import { createMetrics } from '../../../src/metrics/index.ts';
import type { Metrics } from '../../../src/metrics/index.ts';

async function sample(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find(
    (v) =>
      (v as { metricName?: string }).metricName === undefined &&
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value ?? Number.NaN;
}

async function histogram(metrics: Metrics, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const matches = values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  const count = matches.find((v) => (v as { metricName?: string }).metricName === `${name}_count`);
  const sum = matches.find((v) => (v as { metricName?: string }).metricName === `${name}_sum`);
  return { count: count?.value ?? 0, sum: sum?.value ?? 0 };
}

const owners = (entries: [string, string | undefined][]) => new Map(entries);

describe('membership and ownership metrics', () => {
  it('counts members by state, zero for the known states nobody is in', async () => {
    const metrics = createMetrics();
    metrics.setMembers([{ state: 'alive' }, { state: 'alive' }, { state: 'suspect' }]);
    expect(await sample(metrics, 'l2speaker_members', { state: 'alive' })).toBe(2);
    expect(await sample(metrics, 'l2speaker_members', { state: 'suspect' })).toBe(1);
    expect(await sample(metrics, 'l2speaker_members', { state: 'dead' })).toBe(0);
    metrics.setMembers([{ state: 'alive' }]);
    expect(await sample(metrics, 'l2speaker_members', { state: 'suspect' })).toBe(0);
  });

  it('marks the election mode in force', async () => {
    const metrics = createMetrics();
    metrics.setElectionMode('metallb');
    expect(await sample(metrics, 'l2speaker_election_mode', { mode: 'metallb' })).toBe(1);
    expect(await sample(metrics, 'l2speaker_election_mode', { mode: 'ring' })).toBe(0);
    metrics.setElectionMode('ring');
    expect(await sample(metrics, 'l2speaker_election_mode', { mode: 'ring' })).toBe(1);
  });

  it('counts gains, losses and moves, never a service that stayed', async () => {
    const metrics = createMetrics();
    metrics.observeOwners(
      'a',
      owners([
        ['default/web', 'b'],
        ['default/db', 'a'],
      ]),
      0,
    );
    metrics.observeOwners(
      'a',
      owners([
        ['default/web', 'b'],
        ['default/db', 'a'],
      ]),
      10,
    );
    expect(await sample(metrics, 'l2speaker_ownership_changes_total', { change: 'gained' })).toBe(1);
    metrics.observeOwners(
      'a',
      owners([
        ['default/web', 'a'],
        ['default/db', 'c'],
      ]),
      20,
    );
    expect(await sample(metrics, 'l2speaker_ownership_changes_total', { change: 'gained' })).toBe(2);
    expect(await sample(metrics, 'l2speaker_ownership_changes_total', { change: 'lost' })).toBe(1);
    expect(await sample(metrics, 'l2speaker_ownership_changes_total', { change: 'moved' })).toBe(2);
    metrics.observeOwners('a', owners([['default/db', 'c']]), 30);
    expect(await sample(metrics, 'l2speaker_ownership_changes_total', { change: 'lost' })).toBe(2);
  });

  it('times detection from suspicion to death and takeover from the first sign of failure', async () => {
    const metrics = createMetrics();
    metrics.observeOwners('a', owners([['default/web', 'b']]), 0);
    metrics.memberState('b', 'suspect', 1000);
    metrics.memberState('b', 'dead', 1250);
    metrics.observeOwners('a', owners([['default/web', 'a']]), 1260);
    expect(await histogram(metrics, 'l2speaker_member_detection_seconds')).toEqual({ count: 1, sum: 0.25 });
    const takeover = await histogram(metrics, 'l2speaker_takeover_seconds', { cause: 'suspect' });
    expect(takeover.count).toBe(1);
    expect(takeover.sum).toBeCloseTo(0.26, 6);
  });

  it('times a planned handover from the leave, and forgets a member that came back', async () => {
    const metrics = createMetrics();
    metrics.observeOwners(
      'a',
      owners([
        ['default/web', 'b'],
        ['default/db', 'c'],
      ]),
      0,
    );
    metrics.memberState('b', 'left', 500);
    metrics.memberState('c', 'suspect', 500);
    metrics.memberState('c', 'alive', 600);
    metrics.observeOwners(
      'a',
      owners([
        ['default/web', 'a'],
        ['default/db', 'a'],
      ]),
      505,
    );
    expect(await histogram(metrics, 'l2speaker_takeover_seconds', { cause: 'left' })).toEqual({
      count: 1,
      sum: 0.005,
    });
    expect((await histogram(metrics, 'l2speaker_takeover_seconds', { cause: 'suspect' })).count).toBe(0);
    expect((await histogram(metrics, 'l2speaker_member_detection_seconds')).count).toBe(0);
  });

  it("turns the status publisher's absolute counts into counters, and shows its breaker and queue", async () => {
    const metrics = createMetrics();
    const stats = (ok: number, conflict: number, breakerOpen: boolean) => ({
      writes: { create: { ok, conflict }, delete: { ok: 0, notFound: 1 } },
      breakerOpen,
      queueDepth: 3,
    });
    metrics.setStatusStats(stats(2, 0, false));
    metrics.setStatusStats(stats(5, 1, true));
    expect(
      await sample(metrics, 'l2speaker_status_writes_total', { operation: 'create', outcome: 'ok' }),
    ).toBe(5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('l2speaker_status_writes_total{operation="create",outcome="conflict"} 1');
    expect(text).toContain('l2speaker_status_writes_total{operation="delete",outcome="notFound"} 1');
    expect(text).not.toContain('operation="delete",outcome="ok"');
    expect(text).toContain('l2speaker_status_breaker_open 1');
    expect(text).toContain('l2speaker_status_queue_depth 3');
  });
});
