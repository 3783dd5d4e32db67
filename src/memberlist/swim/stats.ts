/** Counters of one memberlist node: failures worth counting, and the suspicion life cycle. */

export interface MemberlistStats {
  pushPullFailures: number;
  tcpPingFailures: number;
  /** Packets for another node name or of a type a node does not handle. */
  ignoredMessages: number;
  /** Our probes that got no ack: the target became suspect, or its suspicion got our confirmation. */
  failedProbes: number;
  /** Probes left without a verdict because our own timers fired late (this node stalled, not the target). */
  inconclusiveProbes: number;
  /** Probes started at once on hearing another node's accusation, to confirm or not (Lifeguard). */
  confirmationProbes: number;
  /** Suspicions of other members started here (raised by us or gossiped to us). */
  suspicions: number;
  /** Accusations against this node (suspect or dead) that it refuted. */
  refutations: number;
  /** Members this node declared dead when their suspicion expired. */
  deathsDeclared: number;
}

export type StatsCounter = keyof MemberlistStats;

export const emptyMemberlistStats = (): MemberlistStats => ({
  pushPullFailures: 0,
  tcpPingFailures: 0,
  ignoredMessages: 0,
  failedProbes: 0,
  inconclusiveProbes: 0,
  confirmationProbes: 0,
  suspicions: 0,
  refutations: 0,
  deathsDeclared: 0,
});
