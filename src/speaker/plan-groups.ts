/**
 * Services sharing an IP, for plan and the planner alike: grouped (transitively) by any shared IP, and
 * elected once per group among the members eligible for every service of the group.
 */
import type { Candidate } from '../config/index.ts';

/** A service with at least one candidate, in the order of the model's services. */
export interface Contender {
  readonly key: string;
  readonly ips: readonly string[];
  readonly candidates: readonly Candidate[];
}

/** A service left unannounced because of its configuration, for the caller to log and report. */
export interface Refusal {
  /** "namespace/name". */
  readonly service: string;
  readonly reason: string;
}

/** Elects the owner among candidates for a first IP (electOwner, or a cache that agrees with it). */
export type Elect = (candidates: readonly Candidate[], firstIp: string) => string | undefined;

function rootOf(parent: Int32Array, i: number): number {
  let root = i;
  while (parent[root] !== root) root = parent[root] ?? root;
  for (let at = i; parent[at] !== root;) {
    const next = parent[at] ?? root;
    parent[at] = root;
    at = next;
  }
  return root;
}

/**
 * Items linked by any shared IP, transitively (union-find, near-linear). Each group keeps input order;
 * groups come in the order of their last item, as merging groups one item at a time leaves them.
 */
export function groupBySharedIps<T extends { readonly ips: readonly string[] }>(items: readonly T[]): T[][] {
  const parent = new Int32Array(items.length).map((_, i) => i);
  const firstHolder = new Map<string, number>();
  items.forEach((item, i) => {
    for (const ip of item.ips) {
      const holder = firstHolder.get(ip);
      if (holder === undefined) firstHolder.set(ip, i);
      else parent[rootOf(parent, i)] = rootOf(parent, holder);
    }
  });
  const groups = new Map<number, { members: T[]; last: number }>();
  items.forEach((item, i) => {
    const root = rootOf(parent, i);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, { members: [item], last: i });
    else {
      group.members.push(item);
      group.last = i;
    }
  });
  return [...groups.values()].sort((a, b) => a.last - b.last).map((group) => group.members);
}

/** The members eligible for every service of the group, with their weights summed over the group. */
function sharedCandidates(group: readonly Contender[]): Candidate[] {
  const [first, ...rest] = group;
  if (first === undefined) return [];
  const byService = rest.map((other) => new Map(other.candidates.map((c) => [c.name, c.weight])));
  return first.candidates
    .filter(({ name }) => byService.every((weights) => weights.has(name)))
    .map(({ name, weight }) => ({
      name,
      weight: byService.reduce((sum, weights) => sum + (weights.get(name) ?? 0), weight),
    }));
}

/**
 * Elects one owner for the group and sets it for every service that may announce it; a service its
 * owner may not announce (when it shares) is refused and set undefined.
 */
export function electGroup(
  group: readonly Contender[],
  elect: Elect,
  owners: Map<string, string | undefined>,
  refused: Refusal[],
): void {
  const [first] = group;
  const firstIp = first?.ips[0];
  if (first === undefined || firstIp === undefined) return;
  if (group.length === 1) {
    owners.set(first.key, elect(first.candidates, firstIp));
    return;
  }
  const shared = sharedCandidates(group);
  const owner = elect(shared.length > 0 ? shared : first.candidates, firstIp);
  for (const contender of group) {
    const mayAnnounce = contender.candidates.some(({ name }) => name === owner);
    owners.set(contender.key, mayAnnounce ? owner : undefined);
    if (!mayAnnounce) {
      const partners = group.filter((other) => other !== contender).map((other) => other.key);
      const reason = `shares an IP with ${partners.join(', ')} but no member may announce all of them`;
      refused.push({ service: contender.key, reason });
    }
  }
}
