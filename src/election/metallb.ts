/**
 * MetalLB's layer-2 owner rule: candidates ranked by sha256(nodeName + "#" + firstIP), lowest first,
 * with the IP in Go's text form. Every node computes the same ranking from the same member list, so
 * exactly one announces, and MetalLB speakers in the same cluster agree with us.
 */
import { createHash } from 'node:crypto';

function rank(node: string, ip: string): Buffer {
  return createHash('sha256').update(`${node}#${ip}`).digest();
}

/** The candidates in MetalLB's order of preference for a service whose first IP is `firstIp`. */
export function metallbPreference(candidates: readonly string[], firstIp: string): string[] {
  return [...candidates]
    .map((node) => ({ node, hash: rank(node, firstIp) }))
    .sort((a, b) => Buffer.compare(a.hash, b.hash) || a.node.localeCompare(b.node))
    .map((entry) => entry.node);
}

/** The node that announces a service whose first IP is `firstIp`, or undefined with no candidate. */
export function metallbOwner(candidates: readonly string[], firstIp: string): string | undefined {
  return metallbPreference(candidates, firstIp)[0];
}
