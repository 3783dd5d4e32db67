/**
 * A simulated network for the memberlist state machine: nodes on one virtual clock, with per-link loss,
 * delay and jitter, partitions, crashes and stalls, deterministic for a seed; and SimCluster, N nodes on it.
 *
 * @example
 *   const cluster = await SimCluster.create({ size: 5, seed: 1, link: { lossPercent: 5 } });
 *   cluster.network.crash(cluster.endpoints[4].address);
 *   await cluster.run(2000);
 *   cluster.leavesOf('node-4'); // when each other node declared it dead
 */
export { VirtualClock } from './clock.ts';
export { NodeClock } from './node-clock.ts';
export { SimStreamError, SimTimeoutError } from './errors.ts';
export { addressKey, SimEndpoint, SimNetwork, type LinkConditions, type TrafficStats } from './network.ts';
export { SimCluster, type RecordedEvent, type SimClusterOptions } from './cluster.ts';
