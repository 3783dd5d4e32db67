/**
 * The plan (pure): which addresses this node answers for, given the model and the live members. Every
 * advertised service goes to one member, elected by MetalLB's rule over its first IP, so all of a
 * service's IPs move together and every member agrees without talking.
 */
import { advertisedServices, type Model } from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import { metallbOwner } from '../election/index.ts';

export interface PlanNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function planAddresses(
  model: Model,
  node: PlanNode,
  liveMembers: readonly string[],
): DesiredAddress[] {
  const candidates = liveMembers.includes(node.name) ? liveMembers : [...liveMembers, node.name];
  return advertisedServices(model, { name: node.name, labels: { ...node.labels } })
    .filter(
      (service) => service.ips[0] !== undefined && metallbOwner(candidates, service.ips[0]) === node.name,
    )
    .flatMap((service) =>
      service.ips.map((ip) => ({
        ip,
        interfaces: service.interfaces,
        service: `${service.namespace}/${service.name}`,
      })),
    );
}
