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
  type EligibilityOptions,
  type Model,
  type Service,
} from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import { electOwner, type ElectionMode } from '../election/index.ts';
import { electGroup, groupBySharedIps, type Contender, type Elect, type Refusal } from './plan-groups.ts';

export type { Refusal } from './plan-groups.ts';

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

function keyOf(svc: Service): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
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
  const mode = opts.mode ?? 'metallb';
  const elect: Elect = (candidates, firstIp) => electOwner(mode, candidates, firstIp);
  for (const group of groupBySharedIps(contenders)) electGroup(group, elect, owners, refused);

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
