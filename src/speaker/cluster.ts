/**
 * The members this speaker elects among: memberlist (wire-compatible with MetalLB's speakers) or, without
 * it, this node alone (standalone mode) or every Node of the cluster (Kubernetes mode, as MetalLB).
 */
import type { ElectionMode, NodeMetaLike } from '../election/index.ts';
import {
  decodeNodeMeta,
  encodeNodeMeta,
  readSecretKey,
  startMembership,
  type MemberSnapshot,
} from '../memberlist/index.ts';
import type { MemberlistFlags } from './options.ts';
import type winston from 'winston';

export interface ClusterView {
  /** The live members (alive or suspect: a suspect may still refute), with what their meta says they are. */
  liveMembers(): { name: string; meta: NodeMetaLike }[];
  /** For /status. */
  members(): readonly { name: string; addr: string; state: string }[];
  /** Called on every membership change, with the member whose state changed (memberlist only). */
  onChange(listener: (member?: { readonly name: string; readonly state: string }) => void): void;
  /** Called when a member this node had seen leave or die is back (a partition healed, a node returned). */
  onRejoin(listener: (name: string) => void): void;
  /** Settles once membership is synced with a seed (true) or the join timeout passed (false). */
  readonly synced: Promise<boolean>;
  /** Push/pull joins more seeds ('host:port'); resolves with how many answered (0 without memberlist). */
  join(seeds: readonly string[]): Promise<number>;
  /** Leaves gracefully, so the others take over at once. */
  leave(): Promise<void>;
}

export const SPEAKER_VERSION = '0.1.0';

/** This node as the only member. */
export function soloCluster(nodeName: string, election: ElectionMode): ClusterView {
  return {
    liveMembers: () => [{ name: nodeName, meta: { kind: 'l2speaker', election } }],
    members: () => [{ name: nodeName, addr: '', state: 'alive' }],
    onChange: () => undefined,
    onRejoin: () => undefined,
    synced: Promise.resolve(true),
    join: async () => 0,
    leave: async () => undefined,
  };
}

/**
 * Without memberlist in a cluster: every Node is a live member, as MetalLB v0.15+ does. Nothing tells
 * whether a node's speaker runs or which rule it elects by, so the others count as MetalLB speakers
 * (`auto` then elects by MetalLB's rule, the one every speaker computes alike). The risk: a speaker that
 * is down still counts, so its services go unanswered until its Node goes away, and speakers whose views
 * of the Nodes differ (a lagging watch) may both claim one IP for that while.
 */
export function nodesCluster(
  nodeName: string,
  election: ElectionMode,
  nodes: () => readonly string[],
): ClusterView {
  const self = { name: nodeName, meta: { kind: 'l2speaker', election } as const };
  const live = (): { name: string; meta: NodeMetaLike }[] => [
    self,
    ...nodes()
      .filter((name) => name !== nodeName)
      .map((name) => ({ name, meta: { kind: 'metallb' } as const })),
  ];
  return {
    liveMembers: live,
    members: () => live().map(({ name }) => ({ name, addr: '', state: 'alive' })),
    onChange: () => undefined,
    onRejoin: () => undefined,
    synced: Promise.resolve(true),
    join: async () => 0,
    leave: async () => undefined,
  };
}

function isLive(member: MemberSnapshot): boolean {
  return member.state === 'alive' || member.state === 'suspect';
}

export async function memberlistCluster(
  nodeName: string,
  flags: MemberlistFlags,
  election: ElectionMode,
  logger: winston.Logger,
): Promise<ClusterView> {
  const keys =
    flags.secretKeyPath === undefined ? [] : [readSecretKey(flags.secretKeyPath, flags.keyDerivation)];
  const membership = await startMembership({
    name: nodeName,
    bindAddr: flags.bindAddr,
    bindPort: flags.bindPort,
    seeds: flags.peers,
    keys,
    meta: encodeNodeMeta({ version: SPEAKER_VERSION, election }),
    joinTimeoutMs: flags.joinTimeoutMs,
  });
  membership.onChange(({ type, member }) =>
    logger.info(`member ${type}`, { member: member.name, state: member.state }),
  );
  // Below real-time priority a busy node may delay acks past the detection budget: say so once.
  void membership.stats().then(
    ({ threadPriority }) =>
      threadPriority.applied === threadPriority.requested
        ? logger.info('membership priority', { priority: threadPriority.applied, pid: membership.runtimePid })
        : logger.warn('membership runs below the requested priority', { ...threadPriority }),
    (err: unknown) => logger.warn('membership priority unknown', err),
  );
  const departed = new Set<string>();
  const rejoinListeners: ((name: string) => void)[] = [];
  membership.onChange(({ type, member }) => {
    if (type === 'leave') departed.add(member.name);
    if (type === 'join' && departed.delete(member.name))
      for (const listener of rejoinListeners) listener(member.name);
  });
  void membership.synced.then((synced) =>
    synced
      ? logger.info('membership synced', { members: membership.members().length })
      : logger.warn('no seed answered within the join timeout; announcing from what is known'),
  );
  return {
    liveMembers: () =>
      membership
        .members()
        .filter(isLive)
        .map((m) => ({ name: m.name, meta: decodeNodeMeta(m.meta) })),
    members: () => membership.members().map(({ name, addr, state }) => ({ name, addr, state })),
    onChange: (listener) =>
      void membership.onChange(({ member }) => listener({ name: member.name, state: member.state })),
    onRejoin: (listener) => void rejoinListeners.push(listener),
    synced: membership.synced,
    join: (seeds) => membership.join(seeds),
    leave: () => membership.leave(1000),
  };
}
