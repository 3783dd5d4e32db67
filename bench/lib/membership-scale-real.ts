/**
 * Detection on real sockets at a larger size: `nodes` l2speaker members (fastLan, worker threads) in lab
 * hosts, one member's bridge port cut per trial, cut to removal at every other member. The cluster is reused:
 * after each cut the link is restored and the cluster must be whole again.
 */
import { createLab, type Host } from '../../src/lab/index.ts';
import { isLeaveOf, startCluster, stopAll, waitWhole, type ClusterMember } from './membership-cluster.ts';
import { openLinkSwitch, type LinkSwitch } from './membership-links.ts';
import { summarize, type Summary } from './stats.ts';

export interface RealDetection {
  size: number;
  trials: number;
  removedEverywhere: Summary;
  samplesMs: number[];
  missed: number;
  /** Leave events about members that were not cut. */
  falseRemovals: number;
  /** Restore to whole again. */
  wholeAfterMs: Summary;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function trial(
  links: LinkSwitch,
  members: readonly ClusterMember[],
  victim: ClusterMember,
): Promise<{ removedAt: (number | null)[]; falseRemovals: number; wholeAfterMs: number }> {
  const others = members.filter((member) => member !== victim);
  await sleep(300 + Math.random() * 400);
  const marks = others.map((member) => member.peer.events.length);
  const { writtenAt } = await links.cut(victim.host);
  const seen = await Promise.allSettled(
    others.map((m, i) => m.peer.waitFor(isLeaveOf(victim.name), 10_000, marks[i])),
  );
  const removedAt = seen.map((s) => (s.status === 'fulfilled' ? s.value.t - writtenAt : null));
  const falseRemovals = others.reduce(
    (sum, m, i) =>
      sum + m.peer.events.slice(marks[i]).filter((e) => e.event === 'leave' && e.node !== victim.name).length,
    0,
  );
  const restoredAt = Date.now();
  await links.restore(victim.host);
  if (!(await waitWhole(members, 20_000))) throw new Error(`cluster not whole after cutting ${victim.name}`);
  return { removedAt, falseRemovals, wholeAfterMs: Date.now() - restoredAt };
}

export async function realDetection(nodes: number, trials: number): Promise<RealDetection> {
  const lab = await createLab({ prefix: 'sc' });
  let links: LinkSwitch | undefined;
  let members: ClusterMember[] = [];
  try {
    const hosts: Host[] = [];
    for (let i = 0; i < nodes; i++) hosts.push(await lab.addHost(`h${i}`, { ipv4: `192.0.2.${101 + i}/24` }));
    links = await openLinkSwitch(lab.switchNs, hosts);
    members = await startCluster(hosts, Array(nodes).fill('ts'), '', (i) => `s${i}`);
    if (!(await waitWhole(members, 60_000))) throw new Error(`${nodes} members never became whole`);
    const samplesMs: number[] = [];
    const whole: number[] = [];
    let missed = 0;
    let falseRemovals = 0;
    for (let n = 0; n < trials; n++) {
      const result = await trial(links, members, members[n % nodes] as ClusterMember);
      falseRemovals += result.falseRemovals;
      whole.push(result.wholeAfterMs);
      const complete = result.removedAt.every((t) => t !== null);
      if (complete) samplesMs.push(Math.max(...(result.removedAt as number[])));
      else missed++;
      const shown = complete ? `${samplesMs.at(-1)} ms` : 'missed';
      console.log(`real ${nodes}: trial ${n + 1}/${trials} removed everywhere: ${shown}`);
    }
    return {
      size: nodes,
      trials,
      removedEverywhere: summarize(samplesMs),
      samplesMs,
      missed,
      falseRemovals,
      wholeAfterMs: summarize(whole),
    };
  } finally {
    links?.close();
    await stopAll(members);
    await lab.destroy();
  }
}
