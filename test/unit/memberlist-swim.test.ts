import { SimCluster } from '../../src/memberlist/sim/index.ts';
import { Memberlist, type Member } from '../../src/memberlist/swim/index.ts';

const nodeOf = (cluster: SimCluster, index: number): Memberlist => cluster.nodes[index] as Memberlist;
const addressOf = (cluster: SimCluster, index: number) =>
  cluster.endpoints[index]?.address ?? { addr: Buffer.alloc(4), port: 0 };
const memberOf = (cluster: SimCluster, observer: number, name: string): Member | undefined =>
  nodeOf(cluster, observer)
    .members()
    .find((member) => member.name === name);

describe('memberlist SWIM on a simulated network', () => {
  it('converges when 5 nodes join through one seed', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 1 });
    expect(cluster.converged()).toBe(true);
    expect(cluster.events.filter((event) => event.type === 'join')).toHaveLength(25);
  });

  it('declares a crashed node dead at every other node within the fastLan budget (500 ms)', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 2 });
    const crashedAt = cluster.network.clock.now();
    cluster.network.crash(addressOf(cluster, 4));
    await cluster.run(5000);
    const leaves = cluster.leavesOf('node-4', crashedAt);
    expect(leaves.map((event) => event.observer).sort()).toEqual(['node-0', 'node-1', 'node-2', 'node-3']);
    for (const event of leaves) expect(event.at - crashedAt).toBeLessThan(500);
    expect(cluster.converged([0, 1, 2, 3])).toBe(true);
  });

  it('has no false deaths in 10 simulated minutes at 5% loss on every link (fastLan, 5 nodes)', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 3, link: { lossPercent: 5 } });
    const start = cluster.network.clock.now();
    await cluster.run(600_000);
    expect(cluster.events.filter((event) => event.type === 'leave' && event.at >= start)).toEqual([]);
    expect(cluster.converged()).toBe(true);
    expect(cluster.network.traffic.messages.ping).toBeGreaterThan(20_000);
  }, 30_000);

  it('lets a suspected live node refute with a higher incarnation, within a few ms', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 4 });
    const before = memberOf(cluster, 1, 'node-2')?.incarnation ?? 0;
    const accusation = { type: 'suspect' as const, incarnation: before, node: 'node-2', from: 'node-0' };
    cluster.endpoints[0]?.sendPacket(addressOf(cluster, 1), [accusation]);
    await cluster.run(20);
    expect(nodeOf(cluster, 1).stats().suspicions).toBe(1);
    expect(nodeOf(cluster, 2).stats().refutations).toBe(1);
    for (const observer of [0, 1, 3, 4]) {
      expect(memberOf(cluster, observer, 'node-2')).toMatchObject({
        state: 'alive',
        incarnation: before + 1,
      });
    }
    await cluster.run(2000);
    expect(cluster.leavesOf('node-2')).toEqual([]);
  });

  it('makes a graceful leave take effect at once everywhere', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 5 });
    const leftAt = cluster.network.clock.now();
    await cluster.settle(nodeOf(cluster, 4).leave());
    await cluster.run(100);
    for (const observer of [0, 1, 2, 3]) expect(memberOf(cluster, observer, 'node-4')?.state).toBe('left');
    const leaves = cluster.leavesOf('node-4', leftAt);
    expect(leaves).toHaveLength(4);
    for (const event of leaves) expect(event.at - leftAt).toBeLessThan(100);
  });

  it('reconverges after a 10 s partition heals', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 6 });
    const sides = [
      [0, 1, 2],
      [3, 4],
    ].map((side) => side.map((index) => addressOf(cluster, index)));
    cluster.network.partition(sides);
    await cluster.run(10_000);
    expect(cluster.converged([0, 1, 2])).toBe(true);
    expect(cluster.converged([3, 4])).toBe(true);
    cluster.network.heal();
    await cluster.run(5000);
    expect(cluster.converged()).toBe(true);
  });

  it('re-joins the seed after a partition longer than the gossip-to-the-dead time', async () => {
    const cluster = await SimCluster.create({ size: 5, seed: 7 });
    cluster.network.partition(
      [
        [0, 1, 2],
        [3, 4],
      ].map((side) => side.map((index) => addressOf(cluster, index))),
    );
    await cluster.run(60_000);
    expect(
      nodeOf(cluster, 0)
        .members()
        .map((member) => member.name),
    ).not.toContain('node-4');
    cluster.network.heal();
    await cluster.run(15_000);
    expect(cluster.converged()).toBe(true);
  });

  it('gives members with empty meta (Go nodes) the patient suspicion timing', async () => {
    const cluster = await SimCluster.create({
      size: 5,
      seed: 8,
      meta: (index) => (index === 4 ? null : Buffer.from('l2s')),
    });
    const crashedAt = cluster.network.clock.now();
    cluster.network.crash(addressOf(cluster, 4));
    await cluster.run(3000);
    expect(cluster.leavesOf('node-4', crashedAt)).toEqual([]);
    await cluster.run(30_000);
    expect(cluster.leavesOf('node-4', crashedAt)).toHaveLength(4);
  });
});
