/**
 * The detection budget seen from the other side: the process that runs a member's membership is stopped
 * (SIGSTOP) for a given time and continued, and we count the trials in which some other
 * member declared it dead. Short stalls must be survived; long ones are failures by design.
 */
import type { ClusterMember } from './membership-cluster.ts';
import { isLeaveOf, waitWhole } from './membership-cluster.ts';

export interface StallResult {
  stallMs: number;
  trials: number;
  /** Trials in which at least one other member removed the stalled member. */
  declaredDead: number;
  /**
   * SIGSTOP to SIGCONT as it happened, per trial: on a loaded machine this (unprivileged) benchmark's own
   * timer fires late, so a stall is often longer than asked.
   */
  actualMs: number[];
  /** The actual stalls of the trials that were declared dead. */
  fatalMs: number[];
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
    const actualMs: number[] = [];
    const fatalMs: number[] = [];
    for (let n = 0; n < trials; n++) {
      const victim = members[n % members.length] as ClusterMember;
      const others = members.filter((member) => member !== victim);
      await sleep(300 + Math.random() * 300);
      const marks = others.map((member) => member.peer.events.length);
      const stoppedAt = performance.now();
      process.kill(victim.runtimePid, 'SIGSTOP');
      await sleep(stallMs);
      process.kill(victim.runtimePid, 'SIGCONT');
      const actual = Math.round(performance.now() - stoppedAt);
      actualMs.push(actual);
      await sleep(1000);
      const dead = others.some((m, i) => m.peer.events.slice(marks[i]).some(isLeaveOf(victim.name)));
      if (dead) declaredDead++;
      if (dead) fatalMs.push(actual);
      if (!(await waitWhole(members, 15_000))) throw new Error(`not whole after a ${stallMs} ms stall`);
    }
    results.push({ stallMs, trials, declaredDead, actualMs, fatalMs });
    console.log(
      `stall ${stallMs} ms (actual ${actualMs.join(', ')}): declared dead in ${declaredDead}/${trials} trials`,
    );
  }
  return results;
}
