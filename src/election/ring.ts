/**
 * The ring election: consistent hashing (ketama, via the `hashring` package) over the live members,
 * keyed by a service's first IP. When a member leaves only the services it owned move; when one
 * joins only the services it takes move, so a membership change disturbs as few IPs as possible.
 */
import HashRing from 'hashring';

/** Hash inputs per member; each gives `replicas` (4) points on the ring: 160 points per member. */
const RING_VNODES = 40;

/**
 * hashring computes a member's count as floor(weight / total * vnodes * members), which floating point
 * rounds to 39 at some sizes (7 members), moving keys between members that stayed. It uses a member's
 * own `vnodes` as is only when that differs from the global 'vnode count', so the global is set apart.
 */
const GLOBAL_VNODE_COUNT = 0;

/** Planning asks once per service with the same members: keep the last few rings. */
const MEMO_SIZE = 8;
const memo = new Map<string, HashRing>();

function ringFor(members: readonly string[]): HashRing {
  const names = [...new Set(members)].sort();
  const key = JSON.stringify(names);
  const cached = memo.get(key);
  if (cached !== undefined) {
    memo.delete(key);
    memo.set(key, cached);
    return cached;
  }
  const servers = Object.fromEntries(names.map((name) => [name, { vnodes: RING_VNODES }]));
  const ring = new HashRing(servers, 'md5', { 'vnode count': GLOBAL_VNODE_COUNT });
  memo.set(key, ring);
  const oldest = memo.keys().next().value;
  if (memo.size > MEMO_SIZE && oldest !== undefined) memo.delete(oldest);
  return ring;
}

/** Every member, in the order of the ring walked from the hash of `firstIp`. */
export function ringPreference(members: readonly string[], firstIp: string): string[] {
  if (members.length === 0) return [];
  return ringFor(members).range(firstIp);
}

/** The first member on the walk from `firstIp` that `isEligible` accepts. */
export function ringOwner(
  members: readonly string[],
  firstIp: string,
  isEligible: (name: string) => boolean,
): string | undefined {
  if (members.length === 0) return undefined;
  // The nearest member is nearly always eligible; the full walk only when it is not.
  const [nearest] = ringFor(members).range(firstIp, 1);
  if (nearest !== undefined && isEligible(nearest)) return nearest;
  return ringPreference(members, firstIp).find(isEligible);
}
