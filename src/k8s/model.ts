/**
 * The model from the kinds' stores (pure): each list as its store keeps it (same array while the kind is
 * unchanged), pools that overlap an earlier one (by namespace/name) skipped as MetalLB refuses them.
 */
import { poolOverlap, type IPAddressPool, type Model } from '../config/index.ts';

export interface ModelParts {
  readonly pools: readonly IPAddressPool[];
  readonly advertisements: Model['advertisements'];
  readonly services: Model['services'];
  readonly nodes: Model['nodes'];
  readonly endpointSlices: Model['endpointSlices'];
}

/** A pool left out of the model, with why. */
export interface PoolRejection {
  readonly pool: string;
  readonly reason: string;
}

/** The pools that may stand together: each that overlaps one kept before it is left out. */
export function compatiblePools(
  pools: readonly IPAddressPool[],
  onReject: (rejection: PoolRejection) => void,
): readonly IPAddressPool[] {
  const kept: IPAddressPool[] = [];
  for (const pool of pools) {
    const reason = poolOverlap(pool, kept);
    if (reason === undefined) kept.push(pool);
    else onReject({ pool: pool.metadata.name, reason });
  }
  return kept.length === pools.length ? pools : Object.freeze(kept);
}

/**
 * A frozen model of the parts. `previous` is returned as is when every part is the same array, so an
 * unchanged cluster gives the same model object.
 */
export function assembleModel(
  parts: ModelParts,
  previous: { readonly parts: ModelParts; readonly model: Model } | undefined,
  onReject: (rejection: PoolRejection) => void,
): Model {
  if (
    previous !== undefined &&
    (Object.keys(parts) as (keyof ModelParts)[]).every((key) => parts[key] === previous.parts[key])
  )
    return previous.model;
  const pools =
    previous !== undefined && parts.pools === previous.parts.pools
      ? previous.model.pools
      : compatiblePools(parts.pools, onReject);
  return Object.freeze({
    pools,
    advertisements: parts.advertisements,
    services: parts.services,
    nodes: parts.nodes,
    endpointSlices: parts.endpointSlices,
  });
}
