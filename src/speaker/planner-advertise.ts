/**
 * How a service is announced from a class of member, as src/config's nodeAdvertiser computes it, with
 * the pool of each IP kept for as long as the pools' contents last: config memoises it per model, so
 * every new snapshot (and every advertisement edit) would parse all 10,000 IPs again.
 */
import {
  ipInPool,
  selectorMatches,
  servedHere,
  type IPAddressPool,
  type L2Advertisement,
  type Labels,
  type LabelSelector,
  type MatchOptions,
  type NodeAdvertisement,
  type Service,
} from '../config/index.ts';

const anyMatches = (selectors: readonly LabelSelector[], labels: Labels): boolean =>
  selectors.length === 0 || selectors.some((selector) => selectorMatches(selector, labels));

/** As MetalLB: an advertisement naming no pools and no pool selectors covers every pool. */
function selectsPool(ad: L2Advertisement, pool: IPAddressPool): boolean {
  const { ipAddressPools, ipAddressPoolSelectors } = ad.spec;
  if (ipAddressPools.length === 0 && ipAddressPoolSelectors.length === 0) return true;
  return (
    ipAddressPools.includes(pool.metadata.name) ||
    ipAddressPoolSelectors.some((selector) => selectorMatches(selector, pool.metadata.labels))
  );
}

/**
 * Whether src/config's sharingRefusal may refuse the service (allow-shared-ip on a pool that an
 * advertisement with serviceSelectors selects): only then is it asked, for its message, as it parses
 * every IP again.
 */
export function mayRefuseSharing(
  pools: readonly IPAddressPool[],
  advertisements: readonly L2Advertisement[],
  lookup: PoolLookup,
  svc: Service,
): boolean {
  if (svc.sharingKey === undefined) return false;
  const selecting = advertisements.filter((ad) => ad.spec.serviceSelectors.length > 0);
  if (selecting.length === 0) return false;
  return svc.status.ingressIPs.some((ip) => {
    const home = pools[lookup.poolOf(ip)];
    return home !== undefined && selecting.some((ad) => selectsPool(ad, home));
  });
}

/** The pool (index) holding each IP, for pools of one content. */
export class PoolLookup {
  readonly #pools: readonly IPAddressPool[];
  readonly #byIp = new Map<string, number>();

  constructor(pools: readonly IPAddressPool[]) {
    this.#pools = pools;
  }

  /** Index of the pool holding `ip` (pools never overlap), -1 when none does. */
  poolOf(ip: string): number {
    let index = this.#byIp.get(ip);
    if (index === undefined) {
      index = this.#pools.findIndex((pool) => ipInPool(pool, ip));
      this.#byIp.set(ip, index);
    }
    return index;
  }
}

/** The advertiser of a member class (its labels), over pools looked up in `lookup`. */
export function classAdvertiser(
  pools: readonly IPAddressPool[],
  advertisements: readonly L2Advertisement[],
  labels: Labels,
  lookup: PoolLookup,
  options: MatchOptions,
): (svc: Service) => NodeAdvertisement | undefined {
  const nodeAds = advertisements.filter((ad) => anyMatches(ad.spec.nodeSelectors, labels));
  const poolAds = pools.map((pool) => nodeAds.filter((ad) => selectsPool(ad, pool)));
  return (svc) => {
    if (!servedHere(svc, options)) return undefined;
    const ips: string[] = [];
    const poolNames = new Set<string>();
    const ads = new Set<L2Advertisement>();
    for (const ip of svc.status.ingressIPs) {
      const home = lookup.poolOf(ip);
      const matching = (poolAds[home] ?? []).filter((ad) =>
        anyMatches(ad.spec.serviceSelectors, svc.metadata.labels),
      );
      if (matching.length === 0) continue;
      ips.push(ip);
      poolNames.add(pools[home]?.metadata.name ?? '');
      for (const ad of matching) ads.add(ad);
    }
    if (ips.length === 0) return undefined;
    let interfaces: string[] | undefined = [];
    const names = new Set<string>();
    for (const ad of ads) {
      if (ad.spec.interfaces.length === 0) {
        interfaces = undefined;
        break;
      }
      for (const name of ad.spec.interfaces) names.add(name);
    }
    if (interfaces !== undefined) interfaces = [...names].sort();
    const service = {
      namespace: svc.metadata.namespace,
      name: svc.metadata.name,
      ips,
      interfaces,
      pools: [...poolNames].sort(),
    };
    return { service, advertisements: [...ads] };
  };
}
