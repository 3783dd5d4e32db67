/**
 * What lets each member class announce a served service in one environment (its advertisements per
 * class, its sharing refusal) and its eligibility key. Services wholly in a pool whose advertisements
 * have no serviceSelectors share one Eligibility per (pool, serving nodes): an advertisement edit then
 * costs a lookup per service, not a new object, and keeps each service's profile as it was.
 */
import { sharingRefusal, type L2Advertisement, type ServingNodes } from '../config/index.ts';
import { mayRefuseSharing, SERVICE_SELECTED } from './planner-advertise.ts';
import type { Profile } from './planner-profiles.ts';
import type { Environment } from './planner-view.ts';

/** Per class of member, the advertisements that let it announce a service (undefined: it may not). */
export type ClassAdvertisements = readonly (readonly L2Advertisement[] | undefined)[];

export interface Eligibility {
  /** Services with the same key have the same candidates whoever the members are ('none': never any). */
  readonly key: string;
  readonly refusal: string | undefined;
  readonly perClass: ClassAdvertisements;
}

const adKeys = new WeakMap<L2Advertisement, string>();

/** An advertisement's name, as a key part that no name can forge. */
function adKey(ad: L2Advertisement): string {
  let key = adKeys.get(ad);
  if (key === undefined) {
    key = JSON.stringify([ad.metadata.namespace, ad.metadata.name]);
    adKeys.set(ad, key);
  }
  return key;
}

const adsKeys = new WeakMap<readonly L2Advertisement[], string>();

/** The advertisements' names, sorted, kept per array (services of one pool share theirs). */
function adsKey(ads: readonly L2Advertisement[]): string {
  let key = adsKeys.get(ads);
  if (key === undefined) {
    key = ads.map(adKey).sort().join(',');
    adsKeys.set(ads, key);
  }
  return key;
}

/** Interned keys of services served anywhere, by their advertisements arrays per class (a trie). */
interface KeyNode {
  key: string | undefined;
  readonly next: WeakMap<object, KeyNode>;
}
const KEYS: KeyNode = { key: undefined, next: new WeakMap() };
const UNADVERTISED = {};

const classesKey = (perClass: ClassAdvertisements): string =>
  perClass.map((ads) => (ads === undefined ? '-' : adsKey(ads))).join('|');

/**
 * The same string for services with the same advertisements arrays per class, so the maps keyed by it
 * hash one string (services of one pool share their arrays, see classAdvertiser).
 */
function anywhereKey(perClass: ClassAdvertisements): string {
  let node = KEYS;
  for (const ads of perClass) {
    const part = ads ?? UNADVERTISED;
    let next = node.next.get(part);
    if (next === undefined) {
      next = { key: undefined, next: new WeakMap() };
      node.next.set(part, next);
    }
    node = next;
  }
  node.key ??= `${classesKey(perClass)}/C/*`;
  return node.key;
}

function keyOf(perClass: ClassAdvertisements, serving: ServingNodes | undefined, profile: Profile): string {
  if (serving === undefined) return 'none';
  return profile.local ? `${classesKey(perClass)}/L/${profile.servingKey}` : anywhereKey(perClass);
}

/** The eligibilities of one pool's services, when they depend on the pool alone (and serving nodes). */
interface PoolEligibility {
  readonly perClass: ClassAdvertisements;
  readonly nowhere: Eligibility;
  readonly anywhere: Eligibility;
  /** Local services by their serving nodes (Profile.servingKey). */
  readonly local: Map<string, Eligibility>;
}

/** The eligibility of each profile in one environment. */
export class EligibilityIndex {
  readonly #env: Environment;
  /** Per pool: shared eligibilities, null when serviceSelectors tell its services apart. */
  readonly #pools: (PoolEligibility | null | undefined)[] = [];
  readonly #perService = new WeakMap<Profile, Eligibility>();

  constructor(env: Environment) {
    this.#env = env;
  }

  /** The eligibility of a served service in this environment (shared with its pool's where it can be). */
  of(profile: Profile): Eligibility {
    const { pools, advertisements } = this.#env.resources;
    const { svc, home } = profile;
    const shared =
      home === -1 || mayRefuseSharing(pools, advertisements, this.#env.lookup, svc)
        ? undefined
        : this.#poolEligibility(home);
    if (shared !== undefined) {
      if (profile.serving === undefined) return shared.nowhere;
      if (!profile.local) return shared.anywhere;
      let local = shared.local.get(profile.servingKey);
      if (local === undefined) {
        const { perClass } = shared;
        local = { key: keyOf(perClass, profile.serving, profile), refusal: undefined, perClass };
        shared.local.set(profile.servingKey, local);
      }
      return local;
    }
    let own = this.#perService.get(profile);
    if (own === undefined) {
      own = this.#serviceEligibility(profile);
      this.#perService.set(profile, own);
    }
    return own;
  }

  #poolEligibility(home: number): PoolEligibility | undefined {
    const known = this.#pools[home];
    if (known !== undefined) return known ?? undefined;
    const perClass: (readonly L2Advertisement[] | undefined)[] = [];
    for (const advertiser of this.#env.advertisers) {
      const ads = advertiser.poolAdvertisements(home);
      if (ads === SERVICE_SELECTED) {
        this.#pools[home] = null;
        return undefined;
      }
      perClass.push(ads);
    }
    const pool = {
      perClass,
      nowhere: { key: 'none', refusal: undefined, perClass },
      anywhere: { key: anywhereKey(perClass), refusal: undefined, perClass },
      local: new Map<string, Eligibility>(),
    };
    this.#pools[home] = pool;
    return pool;
  }

  #serviceEligibility(profile: Profile): Eligibility {
    const env = this.#env;
    const { svc, home } = profile;
    const { pools, advertisements } = env.resources;
    const refusal = mayRefuseSharing(pools, advertisements, env.lookup, svc)
      ? sharingRefusal(env.resources, svc)
      : undefined;
    const perClass = env.advertisers.map((advertiser) => advertiser.announce(svc, home)?.advertisements);
    return {
      key: refusal === undefined ? keyOf(perClass, profile.serving, profile) : 'none',
      refusal,
      perClass,
    };
  }
}
