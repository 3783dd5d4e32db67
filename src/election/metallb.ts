/**
 * MetalLB's layer-2 owner rule: candidates ranked by their preferredNodeSelectors score (the summed
 * weights of the selectors a node matches; higher first), then by sha256(nodeName + "#" + firstIP),
 * lowest first, with the IP in Go's text form (as src/config writes it). Every node computes the same
 * ranking from the same member list, so exactly one announces, and MetalLB speakers agree with us.
 */
import { createHash } from 'node:crypto';
import type { Candidate } from './types.ts';

function rank(node: string, ip: string): Buffer {
  return createHash('sha256').update(`${node}#${ip}`).digest();
}

/**
 * The candidates in MetalLB's order of preference for a service whose first IP is `firstIp`.
 * A bare name is a candidate with weight 0 (no preferredNodeSelectors).
 */
export function metallbPreference(candidates: readonly (string | Candidate)[], firstIp: string): string[] {
  return candidates
    .map((candidate) => (typeof candidate === 'string' ? { name: candidate, weight: 0 } : candidate))
    .map(({ name, weight }) => ({ name, weight, hash: rank(name, firstIp) }))
    .sort((a, b) => b.weight - a.weight || Buffer.compare(a.hash, b.hash) || a.name.localeCompare(b.name))
    .map((entry) => entry.name);
}

/** The node that announces a service whose first IP is `firstIp`, or undefined with no candidate. */
export function metallbOwner(
  candidates: readonly (string | Candidate)[],
  firstIp: string,
): string | undefined {
  return metallbPreference(candidates, firstIp)[0];
}
