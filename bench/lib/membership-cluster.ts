/**
 * A membership cluster in a lab for the membership benchmarks: each member a process in its own lab host,
 * either l2speaker's (bench/lib/membership-member.ts, fastLan) or Go memberlist's test peer
 * (DefaultLANConfig). Both print the same JSON-line events (test/interop/peers.ts drives them).
 * Go's memberlist log lines on stderr are counted by kind (suspicions raised, refutations, failures).
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Host } from '../../src/lab/index.ts';
import type { MembershipStats } from '../../src/memberlist/index.ts';
import { startPeer, type GoPeer, type PeerEvent } from '../../test/interop/peers.ts';
import { REPO } from './results.ts';

export type MemberKind = 'ts' | 'go';

export const PORT = 7946;
const NODE24 = join(REPO, 'node_modules/.bin/node');
const FIXTURE = join(REPO, 'bench/lib/membership-member.ts');

/** Go memberlist log lines worth counting in a soak (memberlist v0.5.1 and v0.2.2 word them alike). */
const GO_LOG_KINDS = {
  suspected: /memberlist: Suspect \S+ has failed, no acks received/,
  refutedSuspect: /memberlist: Refuting a suspect message/,
  refutedDead: /memberlist: Refuting a dead message/,
  markedFailed: /memberlist: Marking \S+ as failed/,
} as const;
export type GoLogCounts = Record<keyof typeof GO_LOG_KINDS, number>;

export interface ClusterMember {
  readonly kind: MemberKind;
  /** Its memberlist node name (a restarted member gets a new one). */
  readonly name: string;
  readonly host: Host;
  readonly peer: GoPeer;
  /** Counts of Go memberlist log lines by kind (all zero for l2speaker members). */
  readonly goLog: GoLogCounts;
  /** The process that runs the membership (l2speaker: its runtime's child process; Go: the peer). */
  readonly runtimePid: number;
}

export interface StartMemberOptions {
  kind: MemberKind;
  name: string;
  host: Host;
  /** host:port seeds ('' or none for the first member). */
  seeds: readonly string[];
  goBin: string;
}

export const addressOf = (host: Host): string => host.ipv4 ?? '';

/** Starts one member in `host` and waits for its `ready` line. */
export async function startMember(options: StartMemberOptions): Promise<ClusterMember> {
  const { kind, name, host, seeds } = options;
  const bind = addressOf(host);
  const argv =
    kind === 'ts'
      ? [FIXTURE, '--name', name, '--bind', bind, '--port', `${PORT}`, '--seeds', seeds.join(',')]
      : [
          '-name',
          name,
          '-bind',
          bind,
          '-port',
          `${PORT}`,
          ...(seeds.length > 0 ? ['-join', seeds.join(',')] : []),
        ];
  const peer = startPeer(kind === 'ts' ? NODE24 : options.goBin, argv, {
    spawn: (command) => host.spawn(command, { stdio: 'pipe', cwd: REPO }),
  });
  const goLog: GoLogCounts = { suspected: 0, refutedSuspect: 0, refutedDead: 0, markedFailed: 0 };
  if (kind === 'go' && peer.process.stderr) {
    createInterface({ input: peer.process.stderr }).on('line', (line) => {
      for (const [key, pattern] of Object.entries(GO_LOG_KINDS))
        if (pattern.test(line)) goLog[key as keyof GoLogCounts]++;
    });
  }
  const ready = (await peer.ready(20_000)) as PeerEvent & { runtimePid?: number };
  return { kind, name, host, peer, goLog, runtimePid: ready.runtimePid ?? peer.process.pid ?? 0 };
}

/** Starts members in `hosts` one by one, each joining the first. */
export async function startCluster(
  hosts: readonly Host[],
  kinds: readonly MemberKind[],
  goBin: string,
  names: (index: number) => string,
): Promise<ClusterMember[]> {
  const members: ClusterMember[] = [];
  for (const [i, host] of hosts.entries()) {
    const seeds = i === 0 ? [] : [`${addressOf(hosts[0] as Host)}:${PORT}`];
    members.push(await startMember({ kind: kinds[i] ?? 'ts', name: names(i), host, seeds, goBin }));
  }
  return members;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Waits until every member lists exactly the current names as live (alive or suspect); false at the deadline. */
export async function waitWhole(members: readonly ClusterMember[], timeoutMs: number): Promise<boolean> {
  const want = members.map((member) => member.name).sort();
  const end = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(members.map((member) => member.peer.members(5000)));
    const whole = views.every((view) => {
      // Suspect counts as live: the fixture's member list is refreshed on join/leave/update only, so a
      // suspicion refuted without an event can linger there.
      const names = view.filter((m) => m.state === 'alive' || m.state === 'suspect').map((m) => m.name);
      return want.every((name) => names.includes(name)) && names.length === want.length;
    });
    if (whole) return true;
    if (Date.now() > end) return false;
    await sleep(100);
  }
}

export const isLeaveOf =
  (name: string) =>
  (event: PeerEvent): boolean =>
    event.event === 'leave' && event.node === name;

/** An l2speaker member's runtime stats (the fixture's `stats` command); undefined for Go members. */
export async function memberStats(
  member: ClusterMember,
  timeoutMs = 5000,
): Promise<MembershipStats | undefined> {
  if (member.kind !== 'ts') return undefined;
  const from = member.peer.events.length;
  member.peer.process.stdin?.write('stats\n');
  const isStats = (e: PeerEvent): boolean => (e as { event: string }).event === 'stats';
  const reply = await member.peer.waitFor(isStats, timeoutMs, from);
  return (reply as unknown as { stats: MembershipStats }).stats;
}

export async function stopAll(members: readonly ClusterMember[]): Promise<void> {
  await Promise.all(members.map((member) => member.peer.kill()));
}
