/**
 * Timing options and the two profiles. Timings are local settings, not wire format: nodes with different
 * profiles interoperate, each judging its peers by its own clock.
 */
import { MemberlistOptionError } from './errors.ts';
import type { SuspicionTiming } from './suspicion.ts';
import type { Member } from './types.ts';

export interface TimingOptions extends SuspicionTiming {
  /** Wait for a direct ack before asking `indirectChecks` peers (scaled by awareness). */
  readonly probeTimeoutMs: number;
  readonly indirectChecks: number;
  /** Lifeguard health score range: probe interval and timeout are scaled by score + 1 (1..max). */
  readonly awarenessMaxMultiplier: number;
  readonly gossipIntervalMs: number;
  readonly gossipNodes: number;
  /** Dead members are still gossiped to (so they can refute) for this long, then forgotten. */
  readonly gossipToTheDeadMs: number;
  readonly retransmitMult: number;
  /** Full state sync with one random live member (0: never). */
  readonly pushPullIntervalMs: number;
  readonly tcpTimeoutMs: number;
  /** Retry a failed UDP probe as a ping over a stream (to members with protocol max >= 3). */
  readonly tcpPings: boolean;
  /** Push/pull with one random dead (not left) member, so a healed partition merges (0: never). */
  readonly reconnectIntervalMs: number;
  /** Push/pull with every seed that is not a live member, so a partition longer than gossipToTheDeadMs heals. */
  readonly rejoinIntervalMs: number;
  /** Suspicion timing toward members with empty meta (MetalLB and other Go nodes: gossip at 200 ms, refute late). */
  readonly goMemberSuspicion: SuspicionTiming;
  /** Packet payload budget (memberlist's UDPBufferSize). */
  readonly packetBudgetBytes: number;
}

/** HashiCorp memberlist's DefaultLANConfig, for comparison: about 5 s to detect a dead member in small clusters. */
export const lanDefaults: TimingOptions = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  suspicionConfirmations: 2,
  awarenessMaxMultiplier: 8,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  gossipToTheDeadMs: 30_000,
  retransmitMult: 4,
  pushPullIntervalMs: 30_000,
  tcpTimeoutMs: 10_000,
  tcpPings: true,
  reconnectIntervalMs: 0,
  rejoinIntervalMs: 0,
  goMemberSuspicion: {
    probeIntervalMs: 1000,
    suspicionMult: 4,
    suspicionMaxTimeoutMult: 6,
    suspicionConfirmations: 2,
  },
  packetBudgetBytes: 1400,
};

/**
 * l2speaker's default, chosen by simulation (bench/membership-sim.ts; 5 nodes, 5% loss on every link, random
 * 0-30 ms stalls): a dead member is removed everywhere in about 240 ms (p50), 340 ms at worst, with no false
 * death in 40 node-minutes. Why each value:
 * - probe every 50 ms with a 25 ms timeout: LAN round trips are well under 1 ms, so 25 ms leaves room for a
 *   stalled event loop, and the first probe of a dead member comes within one interval in small clusters;
 * - suspicion 3 x 50 ms (min 150 ms) to 5 x that (750 ms) with one confirmation: a dead member is confirmed by
 *   a second prober within a round, while a lone false accusation leaves 750 ms to refute, many gossip rounds;
 * - gossip every 30 ms, each broadcast sent 6 x ceil(log10(n + 1)) times: with memberlist's 4, a refutation
 *   sent four times in all at 5% loss sometimes missed the one accuser and a false death followed.
 * Members with empty meta (Go nodes, which refute late) keep DefaultLANConfig's suspicion (4 s to 24 s).
 * A process that stalls longer than about the suspicion timeout is treated as failed, by design.
 */
export const fastLan: TimingOptions = {
  ...lanDefaults,
  probeIntervalMs: 50,
  probeTimeoutMs: 25,
  suspicionMult: 3,
  suspicionMaxTimeoutMult: 5,
  suspicionConfirmations: 1,
  gossipIntervalMs: 30,
  retransmitMult: 6,
  tcpTimeoutMs: 2000,
  reconnectIntervalMs: 1000,
  rejoinIntervalMs: 10_000,
};

/** Members with empty meta are Go nodes (MetalLB speakers); l2speakers always carry meta. */
export const isGoMember = (member: Pick<Member, 'meta'>): boolean =>
  member.meta === null || member.meta.length === 0;

/** The suspicion timing to apply to `member`: patient toward Go nodes, the profile's own toward l2speakers. */
export function suspicionFor(member: Pick<Member, 'meta'>, options: TimingOptions): SuspicionTiming {
  return isGoMember(member) ? options.goMemberSuspicion : options;
}

const POSITIVE: readonly (keyof TimingOptions)[] = [
  'probeIntervalMs',
  'probeTimeoutMs',
  'suspicionMult',
  'suspicionMaxTimeoutMult',
  'awarenessMaxMultiplier',
  'gossipIntervalMs',
  'retransmitMult',
  'tcpTimeoutMs',
  'packetBudgetBytes',
];
const NON_NEGATIVE: readonly (keyof TimingOptions)[] = [
  'indirectChecks',
  'suspicionConfirmations',
  'gossipNodes',
  'gossipToTheDeadMs',
  'pushPullIntervalMs',
  'reconnectIntervalMs',
  'rejoinIntervalMs',
];

/** Merges `overrides` over `base` and checks every number; throws MemberlistOptionError naming the field. */
export function resolveTiming(base: TimingOptions, overrides: Partial<TimingOptions> = {}): TimingOptions {
  const timing = { ...base, ...overrides };
  for (const field of [...POSITIVE, ...NON_NEGATIVE]) {
    const value = timing[field];
    const minimum = POSITIVE.includes(field) ? Number.MIN_VALUE : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
      throw new MemberlistOptionError(field, value, minimum > 0 ? 'must be > 0' : 'must be >= 0');
    }
  }
  if (timing.probeTimeoutMs >= timing.probeIntervalMs) {
    throw new MemberlistOptionError('probeTimeoutMs', timing.probeTimeoutMs, 'must be below probeIntervalMs');
  }
  return timing;
}
