/** How the owner of a service's IPs is chosen. */
export type ElectionMode = 'ring' | 'metallb';

/** What `--election` may ask for: a mode, or `auto` to follow the members (see chooseMode). */
export type RequestedElection = 'auto' | ElectionMode;

/**
 * A live member that may announce a service. `weight` is the summed weights of the
 * preferredNodeSelectors it matches (0 without any); the metallb rule ranks by it, the ring ignores it.
 */
export interface Candidate {
  readonly name: string;
  readonly weight: number;
}

/** A member's node meta as src/memberlist decodes it (its NodeMeta fits). */
export type NodeMetaLike =
  { readonly kind: 'metallb' } | { readonly kind: 'l2speaker'; readonly election: ElectionMode };
