/**
 * The ring election: consistent hashing (ketama, via the `hashring` package) over the live members,
 * keyed by a service's first IP. When a member leaves only the services it owned move; when one
 * joins only the services it takes move, so a membership change disturbs as few IPs as possible.
 */
import HashRing from 'hashring';
import type { Candidate } from './types.ts';

/** Hash inputs per member; each gives `replicas` (4) points on the ring: 160 points per member. */
const RING_VNODES = 40;

/**
 * hashring computes a member's count as floor(weight / total * vnodes * members), which floating point
 * rounds to 39 at some sizes (7 members), moving keys between members that stayed. It uses a member's
 * own `vnodes` as is only when that differs from the global 'vnode count', so the global is set apart.
 */
const GLOBAL_VNODE_COUNT = 0;

/** Planning asks once per service with the same members: keep the last few rings by sorted names. */
const MEMO_SIZE = 16;
const memo = new Map<string, HashRing>();

/** A new ring of these members (any order, duplicates ignored). */
export function buildRing(members: readonly string[]): HashRing {
  const names = [...new Set(members)].sort();
  return new HashRing(Object.fromEntries(names.map((name) => [name, { vnodes: RING_VNODES }])), 'md5', {
    'vnode count': GLOBAL_VNODE_COUNT,
  });
}

/** The ring of these members, memoised by their sorted names. */
function ringFor(members: readonly string[]): HashRing {
  const key = JSON.stringify([...new Set(members)].sort());
  const ring = memo.get(key) ?? buildRing(members);
  memo.delete(key);
  memo.set(key, ring);
  const oldest = memo.keys().next().value;
  if (memo.size > MEMO_SIZE && oldest !== undefined) memo.delete(oldest);
  return ring;
}

/**
 * A caller usually passes one candidates array for all its services: find its ring without sorting,
 * after checking the names are still those seen (the array may have been refilled).
 */
const byArray = new WeakMap<
  readonly Candidate[],
  { readonly names: readonly string[]; readonly ring: HashRing }
>();

function ringOf(candidates: readonly Candidate[]): HashRing {
  const known = byArray.get(candidates);
  const same =
    known?.names.length === candidates.length && known.names.every((name, i) => name === candidates[i]?.name);
  if (known !== undefined && same) return known.ring;
  const names = candidates.map(({ name }) => name);
  const ring = ringFor(names);
  byArray.set(candidates, { names, ring });
  return ring;
}

/** Every candidate, in the order of the ring walked from the hash of `firstIp`; weights are ignored. */
export function ringPreference(candidates: readonly Candidate[], firstIp: string): string[] {
  if (candidates.length === 0) return [];
  return ringOf(candidates).range(firstIp);
}

/** The first candidate on the walk from `firstIp` that `isEligible` accepts. */
export function ringOwner(
  candidates: readonly Candidate[],
  firstIp: string,
  isEligible: (name: string) => boolean,
): string | undefined {
  if (candidates.length === 0) return undefined;
  // The nearest member is nearly always eligible; the full walk only when it is not.
  const [nearest] = ringOf(candidates).range(firstIp, 1);
  if (nearest !== undefined && isEligible(nearest)) return nearest;
  return ringPreference(candidates, firstIp).find(isEligible);
}
