import { chooseMode } from '../../../src/election/index.ts';
import { nodesCluster } from '../../../src/speaker/cluster.ts';

describe('nodesCluster (Kubernetes mode without memberlist)', () => {
  test('every Node is a live member, this node included even before its Node is seen', () => {
    let nodes = ['b', 'a'];
    const cluster = nodesCluster('a', 'ring', () => nodes);
    expect(cluster.liveMembers().map((m) => m.name)).toEqual(['a', 'b']);
    nodes = ['c'];
    expect(cluster.liveMembers().map((m) => m.name)).toEqual(['a', 'c']);
    expect(cluster.members()).toEqual([
      { name: 'a', addr: '', state: 'alive' },
      { name: 'c', addr: '', state: 'alive' },
    ]);
  });

  test("others count as MetalLB speakers, so auto elects by MetalLB's rule; alone, this node's choice", async () => {
    expect(chooseMode('auto', nodesCluster('a', 'ring', () => ['a', 'b']).liveMembers())).toBe('metallb');
    expect(chooseMode('auto', nodesCluster('a', 'ring', () => ['a']).liveMembers())).toBe('ring');
    expect(chooseMode('ring', nodesCluster('a', 'ring', () => ['a', 'b']).liveMembers())).toBe('ring');
    const cluster = nodesCluster('a', 'ring', () => []);
    await expect(cluster.synced).resolves.toBe(true);
    await expect(cluster.join(['192.0.2.1:7946'])).resolves.toBe(0);
  });
});
