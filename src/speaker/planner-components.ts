/**
 * The planner's election of each component of services sharing IPs, kept while its services, their IPs
 * and their candidates arrays are the same ones: the result depends on nothing else (the rule, the
 * candidates, the first IPs), and an advertisement edit that changes no eligibility then costs no
 * election of the 100-member intersections.
 */
import type { Candidate } from '../config/index.ts';
import type { ElectionMode } from '../election/index.ts';
import { electGroup, groupBySharedIps, type Elect, type Refusal } from './plan-groups.ts';

/** A service of a component, in the order of the model's services. */
export interface ComponentMember {
  readonly key: string;
  readonly ips: readonly string[];
  readonly candidates: readonly Candidate[];
}

export interface ComponentElection {
  /** The owner of each service of the component that had candidates, by key. */
  readonly elected: ReadonlyMap<string, string | undefined>;
  /** Per group: the position in the component of its last service, and the group's refusals. */
  readonly groups: readonly { readonly lastAt: number; readonly refusals: readonly Refusal[] }[];
}

interface Kept extends ComponentElection {
  readonly mode: ElectionMode;
  readonly members: readonly ComponentMember[];
}

const sameMembers = (a: readonly ComponentMember[], b: readonly ComponentMember[]): boolean =>
  a.length === b.length &&
  a.every((m, i) => m.key === b[i]?.key && m.ips === b[i]?.ips && m.candidates === b[i]?.candidates);

export class ComponentElections {
  /** By the key of the component's first service. */
  readonly #kept = new Map<string, Kept>();

  /** The groups of the component elected with `elect` (the rule `mode`), or as last time. */
  elect(mode: ElectionMode, members: readonly ComponentMember[], elect: Elect): ComponentElection {
    const first = members[0]?.key ?? '';
    const kept = this.#kept.get(first);
    if (kept !== undefined && kept.mode === mode && sameMembers(kept.members, members)) return kept;
    const contenders = members
      .map((member, at) => ({ ...member, at }))
      .filter((contender) => contender.candidates.length > 0);
    const elected = new Map<string, string | undefined>();
    const groups: { lastAt: number; refusals: Refusal[] }[] = [];
    for (const group of groupBySharedIps(contenders)) {
      const refusals: Refusal[] = [];
      const [first] = group;
      const firstIp = first?.ips[0];
      if (firstIp !== undefined && group.every((c) => c.candidates === first?.candidates)) {
        // One array for all (one eligibility): electGroup's intersection is that array with each weight
        // times the group's size, which ranks alike, and every service may announce its owner.
        const owner = elect(first?.candidates ?? [], firstIp);
        for (const contender of group) elected.set(contender.key, owner);
      } else electGroup(group, elect, elected, refusals);
      groups.push({ lastAt: group[group.length - 1]?.at ?? 0, refusals });
    }
    const result = { mode, members, elected, groups };
    this.#kept.set(first, result);
    return result;
  }

  /** Forgets every kept election once they outnumber twice the components of the model. */
  retain(components: number): void {
    if (this.#kept.size > 2 * components + 64) this.#kept.clear();
  }
}
