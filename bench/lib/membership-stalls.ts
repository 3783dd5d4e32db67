/**
 * The detection budget seen from the other side: a member's process is stopped (SIGSTOP: every thread, the
 * membership worker included) for a given time and continued, and we count the trials in which some other
 * member declared it dead. Short stalls must be survived; long ones are failures by design.
 */
import type { ClusterMember } from './membership-cluster.ts';
import { isLeaveOf, waitWhole } from './membership-cluster.ts';

export interface StallResult {
  stallMs: number;
  trials: number;
  /** Trials in which at least one other member removed the stalled member. */
  declaredDead: number;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Runs `trials` stalls of each length, round-robin over the members; the cluster must heal between them. */
export async function measureStalls(
  members: readonly ClusterMember[],
  stallsMs: readonly number[],
  trials: number,
): Promise<StallResult[]> {
  const results: StallResult[] = [];
  for (const stallMs of stallsMs) {
    let declaredDead = 0;
    for (let n = 0; n < trials; n++) {
      const victim = members[n % members.length] as ClusterMember;
      const others = members.filter((member) => member !== victim);
      await sleep(300 + Math.random() * 300);
      const marks = others.map((member) => member.peer.events.length);
      victim.peer.process.kill('SIGSTOP');
      await sleep(stallMs);
      victim.peer.process.kill('SIGCONT');
      await sleep(1000);
      const dead = others.some((m, i) => m.peer.events.slice(marks[i]).some(isLeaveOf(victim.name)));
      if (dead) declaredDead++;
      if (!(await waitWhole(members, 15_000))) throw new Error(`not whole after a ${stallMs} ms stall`);
    }
    results.push({ stallMs, trials, declaredDead });
    console.log(`stall ${stallMs} ms: declared dead in ${declaredDead}/${trials} trials`);
  }
  return results;
}
