/**
 * Which election the cluster runs. `auto` picks the ring only while every member is an l2speaker
 * asking for it, and MetalLB's rule as soon as one member is a MetalLB speaker (empty node meta) or
 * asks for metallb: during a node-by-node migration from MetalLB every node then computes the same
 * owner as the MetalLB speakers, so two nodes never answer for one IP.
 */
import type { ElectionMode, NodeMetaLike, RequestedElection } from './types.ts';

/**
 * The mode to run. An explicit `ring` or `metallb` is obeyed as is: it is the operator's promise that
 * every member runs the same, as nothing then follows the members.
 */
export function chooseMode(
  requested: RequestedElection,
  members: readonly { readonly name: string; readonly meta: NodeMetaLike }[],
): ElectionMode {
  if (requested !== 'auto') return requested;
  const allRing = members.every(({ meta }) => meta.kind === 'l2speaker' && meta.election === 'ring');
  return allRing ? 'ring' : 'metallb';
}

/** A switch worth logging, or undefined when the mode stayed or there was none before. */
export function modeChange(
  previous: ElectionMode | undefined,
  next: ElectionMode,
): { readonly from: ElectionMode; readonly to: ElectionMode } | undefined {
  return previous === undefined || previous === next ? undefined : { from: previous, to: next };
}
