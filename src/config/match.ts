/** Pure matching of services to pools, advertisements and nodes, with MetalLB's layer-2 semantics. */
import { numericRange, parseIp, rangeContains } from './addresses.ts';
import type { NumericRange } from './addresses.ts';
import type {
  AdvertisedService,
  IPAddressPool,
  L2Advertisement,
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  Model,
  NodeInfo,
  Service,
} from './types.ts';

function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case 'In':
      return present && req.values.includes(labels[req.key] ?? '');
    case 'NotIn':
      return !present || !req.values.includes(labels[req.key] ?? '');
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/** Kubernetes label selector semantics: every matchLabels entry and every expression must hold. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  return selector.matchExpressions.every((req) => requirementMatches(req, labels));
}

/** A list of selectors where any may match, and an empty list matches everything. */
export function anySelectorMatches(selectors: readonly LabelSelector[], labels: Labels): boolean {
  return selectors.length === 0 || selectors.some((selector) => selectorMatches(selector, labels));
}

/** Whether an IP (any text form parseIp accepts) lies in one of the pool's address ranges. */
export function ipInPool(pool: IPAddressPool, ip: string): boolean {
  const parsed = parseIp(ip);
  return (
    parsed !== undefined && pool.spec.addresses.some((range) => rangeContains(numericRange(range), parsed))
  );
}

/** As MetalLB: an advertisement naming no pools and no pool selectors covers every pool. */
export function selectsPool(ad: L2Advertisement, pool: IPAddressPool): boolean {
  const { ipAddressPools, ipAddressPoolSelectors } = ad.spec;
  if (ipAddressPools.length === 0 && ipAddressPoolSelectors.length === 0) return true;
  return (
    ipAddressPools.includes(pool.metadata.name) ||
    ipAddressPoolSelectors.some((selector) => selectorMatches(selector, pool.metadata.labels))
  );
}

export interface MatchOptions {
  /**
   * The load balancer class this speaker serves. As MetalLB: when unset, services that name a class
   * are left to that class's implementation; when set, only services naming it are served.
   */
  readonly loadBalancerClass?: string;
}

/** A LoadBalancer service of the class this speaker serves. */
export function servedHere(svc: Service, options: MatchOptions): boolean {
  return svc.spec.type === 'LoadBalancer' && svc.spec.loadBalancerClass === options.loadBalancerClass;
}

/**
 * The pool holding each IP, memoised per model: the model is frozen, so the answer never changes,
 * and plans ask it for every service on every member. Pools never overlap (the model refuses it),
 * so at most one pool holds an IP.
 */
const homePools = new WeakMap<
  Model,
  { ranges: NumericRange[][]; byIp: Map<string, IPAddressPool | undefined> }
>();

function homePool(model: Model, ipText: string): IPAddressPool | undefined {
  let cache = homePools.get(model);
  if (cache === undefined) {
    cache = { ranges: model.pools.map((pool) => pool.spec.addresses.map(numericRange)), byIp: new Map() };
    homePools.set(model, cache);
  }
  if (cache.byIp.has(ipText)) return cache.byIp.get(ipText);
  const ip = parseIp(ipText);
  const ranges = cache.ranges;
  const home =
    ip === undefined
      ? undefined
      : model.pools.find((_, i) => (ranges[i] ?? []).some((range) => rangeContains(range, ip)));
  cache.byIp.set(ipText, home);
  return home;
}

/** For each pool, the advertisements eligible on this node that select it. */
function adsByPool(model: Model, node: NodeInfo): Map<IPAddressPool, L2Advertisement[]> {
  const nodeAds = model.advertisements.filter((ad) => anySelectorMatches(ad.spec.nodeSelectors, node.labels));
  return new Map(model.pools.map((pool) => [pool, nodeAds.filter((ad) => selectsPool(ad, pool))]));
}

/** The union of the advertisements' interfaces, sorted; undefined when one names none (automatic). */
export function mergeInterfaces(ads: Iterable<L2Advertisement>): string[] | undefined {
  const names = new Set<string>();
  for (const ad of ads) {
    if (ad.spec.interfaces.length === 0) return undefined;
    for (const name of ad.spec.interfaces) names.add(name);
  }
  return [...names].sort();
}

/** One service as one node would announce it, with the advertisements that make it so. */
export interface NodeAdvertisement {
  readonly service: AdvertisedService;
  /** The L2Advertisements matching the node and the service for at least one of its IPs. */
  readonly advertisements: readonly L2Advertisement[];
}

/** An IP's pool, by name, and the advertisements on this node that select it. */
export interface PoolHome {
  readonly name: string;
  readonly advertisements: readonly L2Advertisement[];
}

/**
 * One service as one node would announce it, given the home pool of each IP (undefined: in no pool):
 * the IPs whose pool has an advertisement matching the service's labels, with those advertisements.
 */
export function advertiseByPool(
  svc: Service,
  homeOf: (ip: string) => PoolHome | undefined,
): NodeAdvertisement | undefined {
  const ips: string[] = [];
  const poolNames = new Set<string>();
  const ads = new Set<L2Advertisement>();
  for (const ip of svc.status.ingressIPs) {
    const home = homeOf(ip);
    const matching = (home?.advertisements ?? []).filter((ad) =>
      anySelectorMatches(ad.spec.serviceSelectors, svc.metadata.labels),
    );
    if (home === undefined || matching.length === 0) continue;
    ips.push(ip);
    poolNames.add(home.name);
    for (const ad of matching) ads.add(ad);
  }
  if (ips.length === 0) return undefined;
  const service = {
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ips,
    interfaces: mergeInterfaces(ads),
    pools: [...poolNames].sort(),
  };
  return { service, advertisements: [...ads] };
}

function advertise(
  model: Model,
  svc: Service,
  poolAds: ReadonlyMap<IPAddressPool, readonly L2Advertisement[]>,
): NodeAdvertisement | undefined {
  return advertiseByPool(svc, (ip) => {
    const home = homePool(model, ip);
    return home === undefined
      ? undefined
      : { name: home.metadata.name, advertisements: poolAds.get(home) ?? [] };
  });
}

function compareServices(a: AdvertisedService, b: AdvertisedService): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The LoadBalancer services this node may announce, sorted by namespace then name: each with its
 * IPs that lie in a pool selected by an L2Advertisement whose nodeSelectors match the node and whose
 * serviceSelectors match the service. Which node actually announces is the election's business.
 */
export function advertisedServices(
  model: Model,
  node: NodeInfo,
  options: MatchOptions = {},
): AdvertisedService[] {
  const poolAds = adsByPool(model, node);
  const result: AdvertisedService[] = [];
  for (const svc of model.services) {
    if (!servedHere(svc, options)) continue;
    const advertised = advertise(model, svc, poolAds);
    if (advertised !== undefined) result.push(advertised.service);
  }
  return result.sort(compareServices);
}

/**
 * How services would be announced from `node`: a function of the service, undefined when no IP of it
 * is advertised there. The node's advertisements are matched once, for asking about many services.
 */
export function nodeAdvertiser(
  model: Model,
  node: NodeInfo,
  options: MatchOptions = {},
): (svc: Service) => NodeAdvertisement | undefined {
  const poolAds = adsByPool(model, node);
  return (svc) => (servedHere(svc, options) ? advertise(model, svc, poolAds) : undefined);
}

/** How `svc` would be announced from `node`, or undefined when no IP of it is advertised there. */
export function advertisementOnNode(
  model: Model,
  node: NodeInfo,
  svc: Service,
  options: MatchOptions = {},
): NodeAdvertisement | undefined {
  return nodeAdvertiser(model, node, options)(svc);
}
