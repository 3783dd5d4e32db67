/**
 * Eligibility (pure): which members may announce a service, by MetalLB's layer-2 rules, and each
 * one's preferredNodeSelectors weight for the election.
 */
import { ipInPool, nodeAdvertiser, selectorMatches, selectsPool } from './match.ts';
import type { MatchOptions, NodeAdvertisement } from './match.ts';
import type { Endpoint, L2Advertisement, Labels, Model, Service } from './types.ts';

/** A node carrying this label (any value) announces nothing, unless --ignore-exclude-lb. */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface EligibilityOptions extends MatchOptions {
  /** Disregard EXCLUDE_LB_LABEL (MetalLB's --ignore-exclude-lb). */
  readonly ignoreExcludeLb?: boolean;
  /**
   * Labels known for some members besides their Node document (this node's --node-labels), merged
   * over the document's labels, these winning.
   */
  readonly nodeLabels?: Readonly<Record<string, Labels>>;
}

/** A member that may announce a service, with its summed preferredNodeSelectors weight. */
export interface Candidate {
  readonly name: string;
  readonly weight: number;
}

/** As MetalLB: an endpoint can take traffic when ready (absent = ready) or serving. */
export function endpointCanServe(endpoint: Endpoint): boolean {
  return endpoint.ready || endpoint.serving;
}

/** Where a service's traffic can go: 'anywhere', or the set of nodes with an endpoint that can serve. */
export type ServingNodes = 'anywhere' | ReadonlySet<string>;

/**
 * The nodes running an endpoint of the service that can serve. A service that no EndpointSlice of the
 * model names is taken to have a ready endpoint on every node: standalone files need not list them.
 * An endpoint without a nodeName makes the service active but puts it on no node.
 */
export function servingNodes(model: Model, svc: Service): ServingNodes | undefined {
  const slices = model.endpointSlices.filter(
    (slice) => slice.metadata.namespace === svc.metadata.namespace && slice.serviceName === svc.metadata.name,
  );
  if (slices.length === 0) return 'anywhere';
  const usable = slices.flatMap((slice) => slice.endpoints).filter(endpointCanServe);
  if (usable.length === 0) return undefined;
  return new Set(usable.flatMap((endpoint) => (endpoint.nodeName === undefined ? [] : [endpoint.nodeName])));
}

/** A member's labels: its Node document's (none without one), with opts.nodeLabels over them. */
export function memberLabels(model: Model, name: string, opts: EligibilityOptions = {}): Labels {
  const doc = model.nodes.find((node) => node.metadata.name === name);
  return { ...doc?.metadata.labels, ...opts.nodeLabels?.[name] };
}

function preferenceWeight(ads: readonly L2Advertisement[], labels: Labels): number {
  let weight = 0;
  for (const ad of ads) {
    for (const preferred of ad.spec.preferredNodeSelectors)
      if (selectorMatches(preferred.preference, labels)) weight += preferred.weight;
  }
  return weight;
}

interface Member {
  readonly name: string;
  readonly labels: Labels;
  readonly advertiser: (svc: Service) => NodeAdvertisement | undefined;
}

/** Members that may announce anything at all: not NetworkUnavailable, not excluded. */
function usableMembers(model: Model, members: readonly string[], opts: EligibilityOptions): Member[] {
  return [...new Set(members)].sort().flatMap((name) => {
    if (model.nodes.some((node) => node.metadata.name === name && node.status.networkUnavailable)) return [];
    const labels = memberLabels(model, name, opts);
    if (opts.ignoreExcludeLb !== true && Object.hasOwn(labels, EXCLUDE_LB_LABEL)) return [];
    return [{ name, labels, advertiser: nodeAdvertiser(model, { name, labels }, opts) }];
  });
}

/**
 * eligibleNodes for many services over the same members: the per-member work (Node document,
 * labels, advertisements matching it) is done once.
 */
export function eligibility(
  model: Model,
  members: readonly string[],
  opts: EligibilityOptions = {},
): (svc: Service) => Candidate[] {
  const usable = usableMembers(model, members, opts);
  return (svc) => {
    const serving = servingNodes(model, svc);
    if (serving === undefined) return [];
    const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
    return usable.flatMap((member) => {
      if (local && !serving.has(member.name)) return [];
      const advertised = member.advertiser(svc);
      if (advertised === undefined) return [];
      return [{ name: member.name, weight: preferenceWeight(advertised.advertisements, member.labels) }];
    });
  };
}

/**
 * The members that may announce `svc`, sorted by name, each with its weight (the summed weights of
 * the preferredNodeSelectors, of the advertisements announcing the service there, that match it).
 * Empty when the service has endpoint slices but no endpoint that can serve. A member qualifies when
 * its Node is not NetworkUnavailable, it does not carry EXCLUDE_LB_LABEL (unless ignoreExcludeLb), an
 * L2Advertisement announces one of the service's IPs from it (pools, nodeSelectors on its labels,
 * serviceSelectors), and, for externalTrafficPolicy Local, it runs an endpoint that can serve.
 */
export function eligibleNodes(
  model: Model,
  svc: Service,
  members: readonly string[],
  opts: EligibilityOptions = {},
): Candidate[] {
  return eligibility(model, members, opts)(svc);
}

/**
 * Why a service's allow-shared-ip cannot be honoured, or undefined when it can. Services sharing an
 * IP must be announced from one node; an L2Advertisement with serviceSelectors on the pool could
 * announce some of them from nodes the others may not use, so such a service is refused.
 */
export function sharingRefusal(model: Model, svc: Service): string | undefined {
  if (svc.sharingKey === undefined) return undefined;
  const pools = model.pools.filter((pool) => svc.status.ingressIPs.some((ip) => ipInPool(pool, ip)));
  const selecting = model.advertisements.filter(
    (ad) => ad.spec.serviceSelectors.length > 0 && pools.some((pool) => selectsPool(ad, pool)),
  );
  if (selecting.length === 0) return undefined;
  const names = selecting.map((ad) => JSON.stringify(ad.metadata.name)).join(', ');
  return (
    `allow-shared-ip ${JSON.stringify(svc.sharingKey)} is not supported with serviceSelectors ` +
    `(L2Advertisement ${names}): services sharing an IP could be announced from different nodes`
  );
}
