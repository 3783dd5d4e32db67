/**
 * One entry for both rules: the preference list and the owner of a service, keyed by its first IP.
 *
 * All IPs of a service go to one node, and services sharing an IP must too: elect once per first IP
 * (groupBySharedIp), with one eligibility for the whole group, and give every service of the group
 * that owner.
 */
import { metallbPreference } from './metallb.ts';
import { ringOwner, ringPreference } from './ring.ts';
import type { Candidate, ElectionMode } from './types.ts';

const everyone = (): boolean => true;

/** The candidates in order of preference for a service whose first IP is `firstIp` (Go text form). */
export function preference(mode: ElectionMode, candidates: readonly Candidate[], firstIp: string): string[] {
  if (mode === 'metallb') return metallbPreference(candidates, firstIp);
  return ringPreference(candidates, firstIp);
}

/**
 * The member that announces the service: the first of its preference list that `isEligible` accepts
 * (default: all), or undefined when none does.
 */
export function electOwner(
  mode: ElectionMode,
  candidates: readonly Candidate[],
  firstIp: string,
  isEligible: (name: string) => boolean = everyone,
): string | undefined {
  if (mode === 'ring') {
    return ringOwner(candidates, firstIp, isEligible);
  }
  return metallbPreference(candidates, firstIp).find(isEligible);
}

/** Services grouped by their first IP, in first-seen order; services without an IP are left out. */
export function groupBySharedIp<T extends { readonly ips: readonly string[] }>(
  services: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const service of services) {
    const firstIp = service.ips[0];
    if (firstIp === undefined) continue;
    const group = groups.get(firstIp);
    if (group === undefined) groups.set(firstIp, [service]);
    else group.push(service);
  }
  return groups;
}
