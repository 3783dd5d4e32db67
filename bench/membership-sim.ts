/**
 * Membership in simulation (virtual time, in-memory network): time from a member's crash (link cut) to its
 * removal at every other node, for 5, 20, 50 and 100 members with fastLan and memberlist's lanDefaults; false
 * deaths of 5 nodes over 10 minutes at 5% loss with random 0-30 ms stalls; messages and bytes per second per
 * node (bytes estimated from msgpack field sizes). Prints a table, writes bench/results/membership-sim.json.
 *
 *   node_modules/.bin/node bench/membership-sim.ts [--trials 100] [--quiet-minutes 10]
 */
import { parseArgs } from 'node:util';
import { SimCluster } from '../src/memberlist/sim/index.ts';
import { fastLan, lanDefaults, type TimingOptions } from '../src/memberlist/swim/index.ts';
import { writeResults } from './lib/results.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { renderTable } from './lib/table.ts';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '100' }, 'quiet-minutes': { type: 'string', default: '10' } },
});
const TRIALS = Number(values.trials);
const QUIET_MS = Number(values['quiet-minutes']) * 60_000;
const SIZES = [5, 20, 50, 100];
const PROFILES: Record<string, TimingOptions> = { fastLan, lanDefaults };
/** Large clusters cost more per trial; fewer trials keep the run in minutes. */
const trialsFor = (size: number): number => Math.max(10, Math.round(TRIALS / Math.max(1, size / 5) ** 0.75));

interface DetectionResult {
  profile: string;
  size: number;
  /** Crash to removal at the last other node (ms); trials where some node never removed it are `missed`. */
  removedEverywhere: Summary;
  /** Crash to removal at the first node. */
  removedSomewhere: Summary;
  missed: number;
}

async function detection(profileName: string, size: number): Promise<DetectionResult> {
  const profile = PROFILES[profileName] as TimingOptions;
  const everywhere: number[] = [];
  const somewhere: number[] = [];
  let missed = 0;
  for (let trial = 0; trial < trialsFor(size); trial++) {
    // A different settle time per trial puts the crash at a different phase of every node's probe cycle.
    const settleMs = 3000 + ((trial * 7919) % 1000);
    const cluster = await SimCluster.create({ size, seed: 1000 + trial, profile, settleMs });
    const crashedAt = cluster.network.clock.now();
    const victim = `node-${size - 1}`;
    cluster.network.crash(cluster.endpoints[size - 1]?.address ?? { addr: Buffer.alloc(4), port: 0 });
    await cluster.run(profile.probeIntervalMs * 80);
    const times = cluster.leavesOf(victim, crashedAt).map((event) => event.at - crashedAt);
    if (new Set(cluster.leavesOf(victim, crashedAt).map((event) => event.observer)).size < size - 1) missed++;
    else everywhere.push(Math.max(...times));
    if (times.length > 0) somewhere.push(Math.min(...times));
  }
  return {
    profile: profileName,
    size,
    removedEverywhere: summarize(everywhere),
    removedSomewhere: summarize(somewhere),
    missed,
  };
}

interface QuietResult {
  profile: string;
  nodes: number;
  minutes: number;
  falseDeaths: number;
  messagesPerNodePerSecond: number;
  bytesPerNodePerSecond: number;
}

async function quiet(profileName: string, seed: number): Promise<QuietResult> {
  const profile = PROFILES[profileName] as TimingOptions;
  const cluster = await SimCluster.create({ size: 5, seed, profile, link: { lossPercent: 5 } });
  const start = cluster.network.clock.now();
  const { bytes } = cluster.network.traffic;
  const messagesBefore = Object.values(cluster.network.traffic.messages).reduce((a, b) => a + b, 0);
  for (let elapsed = 0; elapsed < QUIET_MS; elapsed += 1000) {
    for (const endpoint of cluster.endpoints) {
      if (cluster.network.random() < 0.2)
        cluster.network.pause(endpoint.address, cluster.network.random() * 30);
    }
    await cluster.run(1000);
  }
  const seconds = QUIET_MS / 1000;
  const messages =
    Object.values(cluster.network.traffic.messages).reduce((a, b) => a + b, 0) - messagesBefore;
  return {
    profile: profileName,
    nodes: 5,
    minutes: QUIET_MS / 60_000,
    falseDeaths: cluster.events.filter((event) => event.type === 'leave' && event.at >= start).length,
    messagesPerNodePerSecond: messages / 5 / seconds,
    bytesPerNodePerSecond: (cluster.network.traffic.bytes - bytes) / 5 / seconds,
  };
}

const started = Date.now();
const detections: DetectionResult[] = [];
for (const size of SIZES)
  for (const profile of Object.keys(PROFILES)) detections.push(await detection(profile, size));
const quiets: QuietResult[] = [];
for (const profile of Object.keys(PROFILES))
  for (const seed of [1, 2, 3, 4]) quiets.push(await quiet(profile, seed));

console.log('Crash to removal at every other node (virtual ms)');
console.log(
  renderTable(
    ['profile', 'members', 'trials', 'p50', 'p90', 'p99', 'max', 'first p50', 'missed'],
    detections.map((d) => [
      d.profile,
      d.size,
      d.removedEverywhere.samples,
      d.removedEverywhere.median,
      d.removedEverywhere.p90,
      d.removedEverywhere.p99,
      d.removedEverywhere.max,
      d.removedSomewhere.median,
      d.missed,
    ]),
  ),
);
console.log('\n5 nodes, 5% loss on every link, random 0-30 ms stalls');
console.log(
  renderTable(
    ['profile', 'seed', 'minutes', 'false deaths', 'msgs/s/node', 'bytes/s/node'],
    quiets.map((q, index) => [
      q.profile,
      (index % 4) + 1,
      q.minutes,
      q.falseDeaths,
      q.messagesPerNodePerSecond,
      q.bytesPerNodePerSecond,
    ]),
  ),
);
const ratio =
  (detections[1]?.removedEverywhere.median ?? NaN) / (detections[0]?.removedEverywhere.median ?? NaN);
console.log(
  `\n5 members: lanDefaults p50 / fastLan p50 = ${ratio.toFixed(1)}; real time ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
const file = writeResults('membership-sim', {
  profiles: PROFILES,
  detections,
  quiet: quiets,
  ratioP50At5: ratio,
});
console.log(`wrote ${file}`);
