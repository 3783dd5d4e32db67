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
  /**
   * Probe timeout toward Go members; their probe lasts goMemberSuspicion.probeIntervalMs and runs beside the
   * probe loop, so a Go process that answers within Go's own budget is not suspected at the fast pace.
   */
  readonly goMemberProbeTimeoutMs: number;
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
  goMemberProbeTimeoutMs: 500,
  packetBudgetBytes: 1400,
};

/**
 * l2speaker's default, chosen by simulation (bench/membership-sim.ts) and real sockets
 * (bench/membership-failover.ts, membership-soak.ts; docs/membership.md has the figures). Why each value:
 * - probe every 40 ms with a 15 ms timeout: LAN round trips are well under 1 ms, so 15 ms leaves room for a
 *   busy event loop before indirect pings start, and the remaining 25 ms for the indirect and TCP pings;
 * - k = 3 confirmations, and every node that hears an accusation probes the accused at once (see
 *   Memberlist), so a dead member is confirmed by three independent probers about one interval after the
 *   first accusation and removed then; suspicion min 1 x 40 ms is already over by that time;
 * - max 10 x min (400 ms): a lone accusation (a loss-induced failed probe, or a stalled accuser) leaves 400 ms
 *   to refute; the accused hears it within a millisecond (gossiped at once) and the other probers do not
 *   confirm it;
 * - gossip every 20 ms, each broadcast sent 6 x ceil(log10(n + 1)) times: news of a fate is also gossiped at
 *   once, the ticks repeat it through 5% loss.
 * Members with empty meta (Go nodes, which refute late) keep DefaultLANConfig's suspicion (4 s to 24 s) and
 * its probe timeout (500 ms within 1 s).
 * A process that does not answer for longer than about two probe intervals (about 100 ms) is treated as
 * failed, by design; the runtime raises its thread's scheduling priority so that a busy machine does not make
 * it one.
 */
export const fastLan: TimingOptions = {
  ...lanDefaults,
  probeIntervalMs: 40,
  probeTimeoutMs: 15,
  suspicionMult: 1,
  suspicionMaxTimeoutMult: 10,
  suspicionConfirmations: 3,
  gossipIntervalMs: 20,
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
  'goMemberProbeTimeoutMs',
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
  if (timing.goMemberProbeTimeoutMs >= timing.goMemberSuspicion.probeIntervalMs) {
    const reason = 'must be below goMemberSuspicion.probeIntervalMs';
    throw new MemberlistOptionError('goMemberProbeTimeoutMs', timing.goMemberProbeTimeoutMs, reason);
  }
  return timing;
}
