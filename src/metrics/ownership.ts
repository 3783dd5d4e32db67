/**
 * Membership and ownership metrics: members by state, the election mode, ownership changes and how
 * long failures took to be detected and taken over. Times come in as arguments (milliseconds on any
 * monotonic clock), so the bookkeeping is pure and testable; the speaker passes its clock's now.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Member states as src/memberlist reports them; others are counted under their own name. */
const KNOWN_STATES = ['alive', 'suspect', 'dead', 'left'] as const;

/** What took a member out of the live set, first seen. */
export type DownCause = 'suspect' | 'dead' | 'left';

export interface OwnershipMetrics {
  readonly members: Gauge<'state'>;
  readonly electionMode: Gauge<'mode'>;
  readonly ownershipChanges: Counter<'change'>;
  readonly detectionSeconds: Histogram;
  readonly takeoverSeconds: Histogram<'cause'>;
  /** l2speaker_members{state}: how many members this node sees in each state. */
  setMembers(members: readonly { readonly state: string }[]): void;
  /** l2speaker_election_mode{mode}: 1 for the mode in force, 0 for the other. */
  setElectionMode(mode: 'ring' | 'metallb'): void;
  /**
   * A member changed state (memberlist event). Suspect, dead or left starts its outage clock (the
   * first of them counts); dead after suspect observes the detection time; alive clears it.
   */
  memberState(name: string, state: string, nowMs: number): void;
  /**
   * The owner of every service after a plan (src/speaker plan().owners), a map never changed after
   * (it is kept to compare the next one with). Counts this node's gains and losses and every move
   * between two members; a gain from a member whose outage clock runs observes the takeover time (from
   * its first suspect, death or leave to this plan). The same map again costs nothing, and one that
   * tells its changes (OwnerChanges) costs those.
   */
  observeOwners(self: string, owners: ReadonlyMap<string, string | undefined>, nowMs: number): void;
}

/**
 * Owners laid over an earlier plan's (src/speaker's OwnerMap after members leave): the keys that may
 * have changed since `earlier`, or undefined when it is not laid over it.
 */
export interface OwnerChanges {
  changedSince(earlier: ReadonlyMap<string, string | undefined>): Iterable<string> | undefined;
}

function changesOf(
  owners: ReadonlyMap<string, string | undefined>,
  earlier: ReadonlyMap<string, string | undefined>,
): Iterable<string> | undefined {
  const telling = owners as Partial<OwnerChanges>;
  return typeof telling.changedSince === 'function' ? telling.changedSince(earlier) : undefined;
}

const DETECTION_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];
const TAKEOVER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10];

export function createOwnershipMetrics(registry: Registry): OwnershipMetrics {
  const registers = [registry];
  const members = new Gauge({
    name: 'l2speaker_members',
    help: 'Memberlist members this node sees, by state (alive, suspect, dead, left)',
    labelNames: ['state'],
    registers,
  });
  const electionMode = new Gauge({
    name: 'l2speaker_election_mode',
    help: 'The election rule in force (1) among ring and metallb',
    labelNames: ['mode'],
    registers,
  });
  const ownershipChanges = new Counter({
    name: 'l2speaker_ownership_changes_total',
    help: 'Service ownership changes seen by this node: gained and lost by this node, moved between any two members',
    labelNames: ['change'],
    registers,
  });
  const detectionSeconds = new Histogram({
    name: 'l2speaker_member_detection_seconds',
    help: 'Time from a member being suspected to its being declared dead, as this node saw it',
    buckets: DETECTION_BUCKETS,
    registers,
  });
  const takeoverSeconds = new Histogram({
    name: 'l2speaker_takeover_seconds',
    help: "Time from a member's first suspicion, death or leave to this node taking over one of its services",
    labelNames: ['cause'],
    buckets: TAKEOVER_BUCKETS,
    registers,
  });
  for (const state of KNOWN_STATES) members.set({ state }, 0);

  const downSince = new Map<string, { cause: DownCause; atMs: number }>();
  let previousOwners: ReadonlyMap<string, string | undefined> = new Map();

  return {
    members,
    electionMode,
    ownershipChanges,
    detectionSeconds,
    takeoverSeconds,
    setMembers(list) {
      const counts = new Map<string, number>(KNOWN_STATES.map((state) => [state, 0]));
      for (const { state } of list) counts.set(state, (counts.get(state) ?? 0) + 1);
      members.reset();
      for (const [state, count] of counts) members.set({ state }, count);
    },
    setElectionMode(mode) {
      electionMode.set({ mode: 'ring' }, mode === 'ring' ? 1 : 0);
      electionMode.set({ mode: 'metallb' }, mode === 'metallb' ? 1 : 0);
    },
    memberState(name, state, nowMs) {
      const down = downSince.get(name);
      if (state === 'alive') {
        downSince.delete(name);
        return;
      }
      if (state !== 'suspect' && state !== 'dead' && state !== 'left') return;
      if (down === undefined) downSince.set(name, { cause: state, atMs: nowMs });
      else if (state === 'dead' && down.cause === 'suspect')
        detectionSeconds.observe(Math.max(0, nowMs - down.atMs) / 1000);
    },
    observeOwners(self, owners, nowMs) {
      if (owners === previousOwners) return;
      const changed = changesOf(owners, previousOwners);
      for (const service of changed ?? owners.keys()) {
        const owner = owners.get(service);
        const before = previousOwners.get(service);
        if (before === owner) continue;
        if (owner === self) ownershipChanges.inc({ change: 'gained' });
        if (before === self) ownershipChanges.inc({ change: 'lost' });
        if (before !== undefined && owner !== undefined) ownershipChanges.inc({ change: 'moved' });
        const down = before === undefined ? undefined : downSince.get(before);
        if (owner === self && down !== undefined)
          takeoverSeconds.observe({ cause: down.cause }, Math.max(0, nowMs - down.atMs) / 1000);
      }
      // Laid over the previous map, it has the same services: none went away.
      if (changed === undefined)
        for (const [service, before] of previousOwners)
          if (before === self && !owners.has(service)) ownershipChanges.inc({ change: 'lost' });
      previousOwners = owners;
    },
  };
}
