import { NodeClock, SimCluster, VirtualClock } from '../../../src/memberlist/sim/index.ts';
import type { Memberlist } from '../../../src/memberlist/swim/index.ts';

const nodeOf = (cluster: SimCluster, index: number): Memberlist => cluster.nodes[index] as Memberlist;
const addressOf = (cluster: SimCluster, index: number) =>
  cluster.endpoints[index]?.address ?? { addr: Buffer.alloc(4), port: 0 };

describe('a node that stalls judges itself, not its peers', () => {
  it('runs due timers, then input that arrived meanwhile, then deferred callbacks, as Node does', async () => {
    const virtual = new VirtualClock();
    const clock = new NodeClock(virtual);
    const order: string[] = [];
    clock.deliver(() => order.push('packet'), 5);
    clock.setTimeout(() => {
      order.push('timer');
      clock.defer(() => order.push('deferred'));
    }, 10);
    clock.pause(50);
    await virtual.advance(100);
    expect(order).toEqual(['timer', 'packet', 'deferred']);
  });

  it('reads the acks that arrived during its stall before judging its probes: no accusations', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 11 });
    const start = cluster.network.clock.now();
    for (let round = 0; round < 20; round++) {
      cluster.network.pause(addressOf(cluster, 0), 60);
      await cluster.run(500);
    }
    // The others do suspect the stalled node now and then; it refutes, and it accuses nobody itself.
    expect(nodeOf(cluster, 0).stats()).toMatchObject({ failedProbes: 0, suspicions: 0 });
    expect(cluster.events.filter((event) => event.type === 'leave' && event.at >= start)).toEqual([]);
  });

  it('gives no verdict on a probe whose timers fired late, even of an unreachable member', async () => {
    const cluster = await SimCluster.create({ size: 2, seed: 15 });
    cluster.network.crash(addressOf(cluster, 1));
    for (let round = 0; round < 20; round++) {
      cluster.network.pause(addressOf(cluster, 0), 30);
      await cluster.run(35);
    }
    expect(nodeOf(cluster, 0).stats().inconclusiveProbes).toBeGreaterThan(0);
  });

  it('survives stalls of 50 ms at every other member, loses a member stalled for 500 ms', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 12 });
    const start = cluster.network.clock.now();
    for (let round = 0; round < 10; round++) {
      cluster.network.pause(addressOf(cluster, round % 5), 50);
      await cluster.run(1000);
    }
    expect(cluster.events.filter((event) => event.type === 'leave' && event.at >= start)).toEqual([]);
    const stalledAt = cluster.network.clock.now();
    cluster.network.pause(addressOf(cluster, 4), 500);
    await cluster.run(2000);
    expect(cluster.leavesOf('node-4', stalledAt).length).toBeGreaterThan(0);
    expect(cluster.converged()).toBe(true);
  });
});

describe('Lifeguard confirmations', () => {
  it('probes an accused member at once, so three confirmations remove a dead one within 250 ms', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 13 });
    const crashedAt = cluster.network.clock.now();
    cluster.network.crash(addressOf(cluster, 4));
    await cluster.run(1000);
    const leaves = cluster.leavesOf('node-4', crashedAt);
    expect(leaves).toHaveLength(4);
    for (const event of leaves) expect(event.at - crashedAt).toBeLessThan(250);
    const stats = [0, 1, 2, 3].map((index) => nodeOf(cluster, index).stats());
    expect(stats.reduce((sum, s) => sum + s.confirmationProbes, 0)).toBeGreaterThanOrEqual(3);
    expect(stats.reduce((sum, s) => sum + s.deathsDeclared, 0)).toBeGreaterThan(0);
  });

  it('lets an accused member refute a lone accusation that nobody confirms', async () => {
    const timing = { indirectChecks: 0, tcpPings: false };
    const cluster = await SimCluster.create({ size: 5, seed: 14, timing });
    const [accuser, accused] = [addressOf(cluster, 0), addressOf(cluster, 4)];
    cluster.network.setLink(accuser, accused, { lossPercent: 100 });
    cluster.network.setLink(accused, accuser, { lossPercent: 100 });
    await cluster.run(3000);
    expect(cluster.leavesOf('node-4')).toEqual([]);
    expect(nodeOf(cluster, 0).stats().failedProbes).toBeGreaterThan(0);
    expect(nodeOf(cluster, 4).stats().refutations).toBeGreaterThan(0);
  });
});
