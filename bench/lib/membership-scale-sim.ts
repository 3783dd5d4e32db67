/**
 * Membership at scale in simulation (virtual time, in-memory network, the same state machine): detection
 * time, quiet runs under loss, gossip traffic per node, and how long a join takes to reach every member.
 */
import { SimCluster } from '../../src/memberlist/sim/index.ts';
import { fastLan, Memberlist, seededRandom, type Address } from '../../src/memberlist/swim/index.ts';
import { summarize, type Summary } from './stats.ts';

/** Bytes of IPv4 + UDP headers per datagram, added to the msgpack payload sizes the simulation counts. */
const IP_UDP_HEADER_BYTES = 28;

export interface SimDetection {
  size: number;
  /** Crash (link cut) to removal at the last other member, per trial (virtual ms). */
  removedEverywhere: Summary;
  samplesMs: number[];
  missed: number;
}

/** `trials` crashes of the last member, each in a fresh cluster with its own seed and probe phase. */
export async function simDetection(size: number, trials: number): Promise<SimDetection> {
  const samplesMs: number[] = [];
  let missed = 0;
  for (let trial = 0; trial < trials; trial++) {
    const settleMs = 3000 + ((trial * 7919) % 1000);
    const cluster = await SimCluster.create({ size, seed: 5000 + size * 101 + trial, settleMs });
    const crashedAt = cluster.network.clock.now();
    cluster.network.crash(cluster.endpoints[size - 1]?.address as Address);
    await cluster.run(3000);
    const leaves = cluster.leavesOf(`node-${size - 1}`, crashedAt);
    if (new Set(leaves.map((event) => event.observer)).size < size - 1) missed++;
    else samplesMs.push(Math.round(Math.max(...leaves.map((event) => event.at - crashedAt))));
  }
  return { size, removedEverywhere: summarize(samplesMs), samplesMs, missed };
}

export interface SimQuiet {
  size: number;
  lossPercent: number;
  minutes: number;
  falseDeaths: number;
  suspicions: number;
  refutations: number;
  /** Per node, sent: datagrams/s and bytes/s including IPv4 and UDP headers (payload uncompressed, no key). */
  packetsPerNodePerSecond: number;
  bytesPerNodePerSecond: number;
  wholeAtEnd: boolean;
}

/** `minutes` of nothing failing at `lossPercent` on every link: every leave event is a false death. */
export async function simQuiet(size: number, lossPercent: number, minutes: number): Promise<SimQuiet> {
  const cluster = await SimCluster.create({ size, seed: 77 + size, link: { lossPercent } });
  const start = cluster.network.clock.now();
  const before = { ...cluster.network.traffic };
  await cluster.run(minutes * 60_000);
  const seconds = minutes * 60;
  const packets = cluster.network.traffic.packets - before.packets;
  const bytes = cluster.network.traffic.bytes - before.bytes + IP_UDP_HEADER_BYTES * packets;
  const stats = cluster.nodes.map((node) => node.stats());
  return {
    size,
    lossPercent,
    minutes,
    falseDeaths: cluster.events.filter((event) => event.type === 'leave' && event.at >= start).length,
    suspicions: stats.reduce((sum, s) => sum + s.suspicions, 0),
    refutations: stats.reduce((sum, s) => sum + s.refutations, 0),
    packetsPerNodePerSecond: packets / size / seconds,
    bytesPerNodePerSecond: bytes / size / seconds,
    wholeAtEnd: cluster.converged(),
  };
}

export interface SimJoin {
  size: number;
  /** From the new node's join request to the last existing member seeing it alive (virtual ms), per trial. */
  reachedAll: Summary;
}

/** A new node joins a settled cluster of `size` through node 0; when does every member know it? */
export async function simJoin(size: number, trials: number): Promise<SimJoin> {
  const samples: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const cluster = await SimCluster.create({ size, seed: 9000 + size + trial });
    const endpoint = cluster.network.addNode();
    const name = `joiner-${trial}`;
    const seed = cluster.endpoints[0]?.address as Address;
    const joiner = new Memberlist({
      name,
      ...endpoint.address,
      meta: Buffer.from('l2speaker'),
      transport: endpoint,
      clock: endpoint.clock,
      random: seededRandom(trial + 1),
      profile: fastLan,
      seeds: [seed],
    });
    const startedAt = cluster.network.clock.now();
    joiner.start();
    void joiner.join([seed]);
    const seen = new Map<string, number>();
    for (let waited = 0; waited < 10_000 && seen.size < size; waited += 1) {
      await cluster.run(1);
      for (const node of cluster.nodes) {
        if (seen.has(node.name)) continue;
        const member = node.members().find((m) => m.name === name);
        if (member?.state === 'alive') seen.set(node.name, cluster.network.clock.now() - startedAt);
      }
    }
    samples.push(seen.size === size ? Math.round(Math.max(...seen.values())) : Number.POSITIVE_INFINITY);
  }
  return { size, reachedAll: summarize(samples) };
}
