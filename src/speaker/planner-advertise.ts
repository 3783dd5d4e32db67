/**
 * How a service is announced from a class of member, as src/config's nodeAdvertiser computes it, with
 * the pool of each IP kept for as long as the pools' contents last: config memoises it per model, so
 * every new snapshot (and every advertisement edit) would parse all 10,000 IPs again.
 */
import {
  advertiseByPool,
  anySelectorMatches,
  ipInPool,
  mergeInterfaces,
  selectsPool,
  servedHere,
  type IPAddressPool,
  type L2Advertisement,
  type Labels,
  type MatchOptions,
  type NodeAdvertisement,
  type Service,
} from '../config/index.ts';

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

/** How a class of member announces services, and what lets it when that does not depend on the service. */
export interface ClassAdvertiser {
  /** How a member of the class announces a service whose IPs all lie in pool `home` (-1: not in one). */
  announce(svc: Service, home: number): NodeAdvertisement | undefined;
  /**
   * The advertisements every service wholly in pool `home` gets from the class (the same array for all,
   * undefined: none), or SERVICE_SELECTED when serviceSelectors tell the services apart.
   */
  poolAdvertisements(home: number): readonly L2Advertisement[] | undefined | typeof SERVICE_SELECTED;
}

/** The advertisements of a pool depend on the service (see ClassAdvertiser.poolAdvertisements). */
export const SERVICE_SELECTED = 'service-selected';

/** What every service whose IPs all lie in one pool gets from a class, when no selector tells them apart. */
interface PoolAnnouncement {
  readonly advertisements: readonly L2Advertisement[];
  readonly interfaces: readonly string[] | undefined;
  readonly pools: readonly string[];
}

/** The pool every IP lies in, or -1 when they lie in several (or none). */
export function onePool(ips: readonly string[], lookup: PoolLookup): number {
  const home = ips.length === 0 ? -1 : lookup.poolOf(ips[0] ?? '');
  for (let i = 1; i < ips.length; i++) if (lookup.poolOf(ips[i] ?? '') !== home) return -1;
  return home;
}

/**
 * The advertiser of a member class (its labels), over pools looked up in `lookup`. A service in one pool
 * whose advertisements have no serviceSelectors shares its arrays with every other such service.
 */
export function classAdvertiser(
  pools: readonly IPAddressPool[],
  advertisements: readonly L2Advertisement[],
  labels: Labels,
  lookup: PoolLookup,
  options: MatchOptions,
): ClassAdvertiser {
  const nodeAds = advertisements.filter((ad) => anySelectorMatches(ad.spec.nodeSelectors, labels));
  const poolAds = pools.map((pool) => nodeAds.filter((ad) => selectsPool(ad, pool)));
  const selected = poolAds.map((ads) => ads.some((ad) => ad.spec.serviceSelectors.length > 0));
  const whole: (PoolAnnouncement | undefined)[] = pools.map((pool, i) => {
    const ads = poolAds[i] ?? [];
    if (ads.length === 0 || selected[i] === true) return undefined;
    return { advertisements: ads, interfaces: mergeInterfaces(ads), pools: [pool.metadata.name] };
  });
  return {
    announce(svc, home) {
      if (!servedHere(svc, options)) return undefined;
      const shared = home === -1 ? undefined : whole[home];
      if (shared !== undefined) {
        const { namespace, name } = svc.metadata;
        const { interfaces, pools: poolNames } = shared;
        const service = { namespace, name, ips: svc.status.ingressIPs, interfaces, pools: poolNames };
        return { service, advertisements: shared.advertisements };
      }
      return advertiseByPool(svc, (ip) => {
        const at = lookup.poolOf(ip);
        const pool = pools[at];
        return pool === undefined
          ? undefined
          : { name: pool.metadata.name, advertisements: poolAds[at] ?? [] };
      });
    },
    // Without selectors a pool's services get its advertisements, or none when it has none (advertiseByPool).
    poolAdvertisements: (home) => (selected[home] === true ? SERVICE_SELECTED : whole[home]?.advertisements),
  };
}
