/**
 * The plan (pure): which addresses this node answers for, given the model and the live members.
 * For each advertised service: the live members eligible to announce it (src/config eligibleNodes),
 * one owner elected among them by the service's first IP, and all the service's IPs to that owner.
 * Services sharing an IP are elected once, among the members eligible for all of them, so the IP has
 * one owner. Every member computes the same plan from the same model and members, without talking.
 */
import {
  advertisedServices,
  eligibility,
  memberLabels,
  servedHere,
  sharingRefusal,
  type Candidate,
  type EligibilityOptions,
  type Model,
  type Service,
} from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import { electOwner, type ElectionMode } from '../election/index.ts';

export interface PlanNode {
  readonly name: string;
  /** This node's labels (--node-labels), merged over its Node document's. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface PlanOptions {
  /** The election rule (default 'metallb', the owner MetalLB speakers compute too). */
  readonly mode?: ElectionMode;
  /** Let nodes labelled node.kubernetes.io/exclude-from-external-load-balancers announce. */
  readonly ignoreExcludeLb?: boolean;
  /** The load balancer class served (see src/config MatchOptions). */
  readonly loadBalancerClass?: string;
}

/** A service left unannounced because of its configuration, for the caller to log and report. */
export interface Refusal {
  /** "namespace/name". */
  readonly service: string;
  readonly reason: string;
}

export interface Plan {
  /** The addresses this node answers for. */
  readonly addresses: DesiredAddress[];
  readonly refused: Refusal[];
  /**
   * Every LoadBalancer service with an IP ("namespace/name", sorted) and the member announcing it,
   * undefined when none may (no endpoint, no eligible member, refused).
   */
  readonly owners: ReadonlyMap<string, string | undefined>;
}

interface Contender {
  readonly key: string;
  readonly ips: readonly string[];
  readonly candidates: readonly Candidate[];
}

function keyOf(svc: Service): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

/** Contenders linked by any shared IP, transitively; each group in input order. */
function groupBySharedIps(contenders: readonly Contender[]): Contender[][] {
  const groups: { ips: Set<string>; members: Contender[] }[] = [];
  for (const contender of contenders) {
    const linked = groups.filter((group) => contender.ips.some((ip) => group.ips.has(ip)));
    for (const group of linked) groups.splice(groups.indexOf(group), 1);
    groups.push({
      ips: new Set([...linked.flatMap((group) => [...group.ips]), ...contender.ips]),
      members: [...linked.flatMap((group) => group.members), contender],
    });
  }
  const order = new Map(contenders.map((contender, i) => [contender, i]));
  return groups.map((group) => group.members.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
}

/** The members eligible for every service of the group, with their weights summed over the group. */
function sharedCandidates(group: readonly Contender[]): Candidate[] {
  const [first, ...rest] = group;
  if (first === undefined) return [];
  return first.candidates
    .filter(({ name }) => rest.every((other) => other.candidates.some((c) => c.name === name)))
    .map(({ name }) => ({
      name,
      weight: group.reduce((sum, c) => sum + (c.candidates.find((x) => x.name === name)?.weight ?? 0), 0),
    }));
}

/** Elects one owner per group; a service its owner may not announce is refused (when it shares). */
function electGroup(
  group: readonly Contender[],
  mode: ElectionMode,
  owners: Map<string, string | undefined>,
  refused: Refusal[],
): void {
  const [first] = group;
  const firstIp = first?.ips[0];
  if (first === undefined || firstIp === undefined) return;
  const shared = sharedCandidates(group);
  const owner = electOwner(mode, shared.length > 0 ? shared : first.candidates, firstIp);
  for (const contender of group) {
    const mayAnnounce = contender.candidates.some(({ name }) => name === owner);
    owners.set(contender.key, mayAnnounce ? owner : undefined);
    if (!mayAnnounce) {
      const partners = group.filter((other) => other !== contender).map((other) => other.key);
      const reason = `shares an IP with ${partners.join(', ')} but no member may announce all of them`;
      refused.push({ service: contender.key, reason });
    }
  }
}

/** The addresses this node answers for, the owner of every service, and the services refused. */
export function plan(
  model: Model,
  node: PlanNode,
  liveMembers: readonly string[],
  opts: PlanOptions = {},
): Plan {
  const members = liveMembers.includes(node.name) ? liveMembers : [...liveMembers, node.name];
  const eligibilityOpts: EligibilityOptions = { ...opts, nodeLabels: { [node.name]: node.labels } };
  const owners = new Map<string, string | undefined>();
  const refused: Refusal[] = [];
  const contenders: Contender[] = [];
  const eligibleFor = eligibility(model, members, eligibilityOpts);
  const served = model.services.filter((svc) => servedHere(svc, opts) && svc.status.ingressIPs.length > 0);
  for (const svc of served) {
    const key = keyOf(svc);
    owners.set(key, undefined);
    const reason = sharingRefusal(model, svc);
    if (reason !== undefined) refused.push({ service: key, reason });
    const candidates = reason === undefined ? eligibleFor(svc) : [];
    if (candidates.length > 0) contenders.push({ key, ips: svc.status.ingressIPs, candidates });
  }
  for (const group of groupBySharedIps(contenders))
    electGroup(group, opts.mode ?? 'metallb', owners, refused);

  const self = { name: node.name, labels: memberLabels(model, node.name, eligibilityOpts) };
  const addresses = advertisedServices(model, self, opts)
    .filter((service) => owners.get(`${service.namespace}/${service.name}`) === node.name)
    .flatMap((service) =>
      service.ips.map((ip) => ({
        ip,
        interfaces: service.interfaces,
        service: `${service.namespace}/${service.name}`,
      })),
    );
  return { addresses, refused, owners };
}

/** The addresses this node answers for (see plan). */
export function planAddresses(
  model: Model,
  node: PlanNode,
  liveMembers: readonly string[],
  opts: PlanOptions = {},
): DesiredAddress[] {
  return plan(model, node, liveMembers, opts).addresses;
}
