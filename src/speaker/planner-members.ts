/**
 * The planner's member-dependent caches: the candidates of each eligibility key among the usable
 * members, and the owner of each (candidates array, first IP). When members leave, each array loses
 * them and keeps every owner that stayed (in both rules an owner still present stays the owner of a
 * subset). When members join under MetalLB's rule, an owner is compared with the joiners only.
 */
import type { Candidate, L2Advertisement, Labels } from '../config/index.ts';
import { selectorMatches } from '../config/index.ts';
import { MetallbRanks, RingWalk, type ElectionMode } from '../election/index.ts';
import type { Eligibility } from './planner-eligibility.ts';
import type { Profile } from './planner-profiles.ts';
import { memberOf, type Environment, type MemberInfo } from './planner-view.ts';

export const NO_CANDIDATES: readonly Candidate[] = [];

/** What a change of members did: nothing, members left (and keys left without candidates), or more. */
export type MemberChange =
  | { readonly kind: 'same' }
  | { readonly kind: 'left'; readonly left: ReadonlySet<string>; readonly emptied: readonly string[] }
  | { readonly kind: 'other' };

function weightOf(advertisements: readonly L2Advertisement[], labels: Labels): number {
  let weight = 0;
  for (const ad of advertisements)
    for (const preferred of ad.spec.preferredNodeSelectors)
      if (selectorMatches(preferred.preference, labels)) weight += preferred.weight;
  return weight;
}

/** The candidates of every service like `profile` among the usable members (sorted by name). */
function candidatesOf(
  profile: Profile,
  eligibility: Eligibility,
  usable: readonly MemberInfo[],
): readonly Candidate[] {
  const { serving, local } = profile;
  const { perClass } = eligibility;
  if (serving === undefined || eligibility.refusal !== undefined) return NO_CANDIDATES;
  const candidates: Candidate[] = [];
  for (const member of usable) {
    if (local && serving !== 'anywhere' && !serving.has(member.name)) continue;
    const advertisements = perClass[member.cls];
    if (advertisements !== undefined)
      candidates.push({ name: member.name, weight: weightOf(advertisements, member.labels) });
  }
  return candidates.length === 0 ? NO_CANDIDATES : candidates;
}

interface CandidatesEntry {
  list: readonly Candidate[];
  profile: Profile;
  eligibility: Eligibility;
  /** Made in an earlier environment: checked again on first use (kept, with its owners, if equal). */
  stale: boolean;
}

const sameCandidates = (a: readonly Candidate[], b: readonly Candidate[]): boolean =>
  a.length === b.length && a.every((c, i) => c.name === b[i]?.name && c.weight === b[i]?.weight);

export class MemberCaches {
  readonly #ranks = new MetallbRanks();
  readonly #ring = new RingWalk();
  #usable: readonly MemberInfo[] = [];
  /** Candidates per eligibility key, for #usable, with a service of that key. */
  readonly #candidates = new Map<string, CandidatesEntry>();
  /** Owner per first IP, per candidates array, for #mode. */
  readonly #owners = new Map<readonly Candidate[], Map<string, string | undefined>>();
  #mode: ElectionMode = 'metallb';
  /** Eligibility keys the served services had at the last sweep of #candidates. */
  #keysAtSweep = 0;

  /**
   * The environment changed: every candidates list is checked again on first use, and keeps its
   * owners when it comes out the same (an edit that changes no eligibility costs no election).
   */
  reset(): void {
    this.#usable = [];
    for (const entry of this.#candidates.values()) entry.stale = true;
  }

  /** Elects with this rule from now on; the owners kept under another are dropped. */
  useMode(mode: ElectionMode): void {
    if (mode === this.#mode) return;
    this.#owners.clear();
    this.#mode = mode;
    // Only on a switch: after reset() the usable members are none until follow(), which moves the ring.
    if (mode === 'ring') this.#ring.use(this.#usable.map((m) => m.name));
  }

  /** Moves the candidates (and the owners they keep) to the usable ones of `members`. */
  follow(env: Environment, members: readonly string[]): MemberChange {
    const usable = [...new Set(members)]
      .sort()
      .map((name) => memberOf(env, name))
      .filter((m): m is MemberInfo => m !== null);
    const previous = this.#usable;
    if (usable.length === previous.length && usable.every((m, i) => m === previous[i]))
      return { kind: 'same' };
    this.#usable = usable;
    const before = new Set(previous);
    const now = new Set(usable);
    const joined = usable.filter((m) => !before.has(m)).map((m) => m.name);
    const left = new Set(previous.filter((m) => !now.has(m)).map((m) => m.name));
    const emptied: string[] = [];
    for (const [key, entry] of this.#candidates) {
      if (entry.stale) continue;
      const list =
        joined.length > 0
          ? candidatesOf(entry.profile, entry.eligibility, usable)
          : entry.list.filter((c) => !left.has(c.name));
      const next = list.length === 0 ? NO_CANDIDATES : list;
      if (next === NO_CANDIDATES && entry.list !== NO_CANDIDATES) emptied.push(key);
      this.#carryOwners(entry.list, next, left, joined);
      entry.list = next;
    }
    if (this.#mode === 'ring') this.#ring.use(usable.map((m) => m.name));
    return joined.length > 0 ? { kind: 'other' } : { kind: 'left', left, emptied };
  }

  /** The candidates of a service's eligibility key. */
  candidatesFor(profile: Profile, eligibility: Eligibility): readonly Candidate[] {
    const entry = this.#candidates.get(eligibility.key);
    if (entry === undefined) {
      const list = candidatesOf(profile, eligibility, this.#usable);
      this.#candidates.set(eligibility.key, { list, profile, eligibility, stale: false });
      return list;
    }
    if (entry.stale) {
      const list = candidatesOf(profile, eligibility, this.#usable);
      if (!sameCandidates(list, entry.list)) {
        this.#owners.delete(entry.list);
        entry.list = list;
      }
      entry.profile = profile;
      entry.eligibility = eligibility;
      entry.stale = false;
    }
    return entry.list;
  }

  /** The owner among these candidates (any array) for this first IP. */
  elect = (candidates: readonly Candidate[], firstIp: string): string | undefined => {
    return this.#mode === 'ring'
      ? this.#ring.owner(candidates, firstIp)
      : this.#ranks.owner(candidates, firstIp);
  };

  /** The owners kept for a candidates array (see owner), to ask many first IPs of one array. */
  ownersOf(candidates: readonly Candidate[]): Map<string, string | undefined> {
    let owners = this.#owners.get(candidates);
    if (owners === undefined) {
      owners = new Map();
      this.#owners.set(candidates, owners);
    }
    return owners;
  }

  /** elect, kept per (candidates array, first IP): for the arrays candidatesFor gives. */
  owner(
    candidates: readonly Candidate[],
    firstIp: string,
    owners = this.ownersOf(candidates),
  ): string | undefined {
    const kept = owners.get(firstIp);
    if (kept !== undefined || owners.has(firstIp)) return kept;
    const owner = this.elect(candidates, firstIp);
    owners.set(firstIp, owner);
    return owner;
  }

  /**
   * Keeps the caches to about what the served services hold (IPs and eligibility keys come and go),
   * swept once they hold about twice as much: a plan that changed nothing costs no sweep.
   */
  retain(served: readonly Profile[], eligibility: readonly Eligibility[]): void {
    const limit = 2 * served.length + 1024;
    if (this.#ranks.size > limit || this.#ring.size > limit) {
      const ips = new Set<string>();
      for (const p of served) if (p.ips[0] !== undefined) ips.add(p.ips[0]);
      this.#ranks.retain(ips);
      this.#ring.retain(ips);
    }
    if (this.#candidates.size <= 2 * this.#keysAtSweep + 64) return;
    const keys = new Set(eligibility.map((e) => e.key));
    this.#keysAtSweep = keys.size;
    for (const [key, entry] of this.#candidates) {
      if (keys.has(key)) continue;
      this.#candidates.delete(key);
      this.#owners.delete(entry.list);
    }
  }

  #carryOwners(
    from: readonly Candidate[],
    to: readonly Candidate[],
    left: ReadonlySet<string>,
    joined: readonly string[],
  ): void {
    const owners = this.#owners.get(from);
    this.#owners.delete(from);
    if (owners === undefined || to === NO_CANDIDATES) return;
    const joiners = to.filter((c) => joined.includes(c.name));
    if (joiners.length > 0 && this.#mode === 'ring') return;
    // forEach, not for-of: no entry array per IP, and a member leaving walks all 10,000 of them.
    if (joiners.length === 0) {
      owners.forEach((owner, ip) => {
        if (owner === undefined || left.has(owner)) owners.delete(ip);
      });
    } else {
      const byName = new Map(to.map((c) => [c.name, c]));
      owners.forEach((owner, ip) => {
        const kept = owner === undefined ? undefined : byName.get(owner);
        if (kept === undefined) owners.delete(ip);
        else owners.set(ip, this.#ranks.owner([kept, ...joiners], ip));
      });
    }
    this.#owners.set(to, owners);
  }
}
