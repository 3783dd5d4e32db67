/**
 * The planner's profile of each served service: what does not depend on the members (its advertisements
 * per class of member, its serving nodes, its sharing refusal, its eligibility key), kept by object
 * identity, or by equal contents when a new snapshot (a relist) brings new objects.
 */
import {
  servedHere,
  servingNodes,
  sharingRefusal,
  type EndpointSlice,
  type L2Advertisement,
  type Labels,
  type Model,
  type NodeAdvertisement,
  type Service,
  type ServingNodes,
} from '../config/index.ts';
import type { PlanOptions } from './plan.ts';
import { mayRefuseSharing, onePool } from './planner-advertise.ts';
import { sameItems, type Environment } from './planner-view.ts';

/** One served service (LoadBalancer of our class, with an IP) as far as the members do not matter. */
export interface Profile {
  readonly env: Environment;
  readonly slices: readonly EndpointSlice[];
  /** "namespace/name". */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly refusal: string | undefined;
  /** onePool(ips) with env.lookup: the pool holding every IP, -1 when they are not in one. */
  readonly home: number;
  /** How the service is announced from a member of each class, undefined where it is not. */
  readonly perClass: readonly (NodeAdvertisement | undefined)[];
  readonly serving: ServingNodes | undefined;
  readonly local: boolean;
  /** Services with the same eligibility key have the same candidates whoever the members are. */
  readonly eligibilityKey: string;
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

/**
 * The same string for services with the same advertisements arrays per class, so the maps keyed by it
 * hash one string (services of one pool share their arrays, see classAdvertiser).
 */
function anywhereKey(perClass: readonly (NodeAdvertisement | undefined)[]): string {
  let node = KEYS;
  for (const adv of perClass) {
    const part = adv?.advertisements ?? UNADVERTISED;
    let next = node.next.get(part);
    if (next === undefined) {
      next = { key: undefined, next: new WeakMap() };
      node.next.set(part, next);
    }
    node = next;
  }
  node.key ??= `${perClass.map((adv) => (adv === undefined ? '-' : adsKey(adv.advertisements))).join('|')}/C/*`;
  return node.key;
}

function eligibilityKeyOf(
  perClass: readonly (NodeAdvertisement | undefined)[],
  serving: ServingNodes | undefined,
  local: boolean,
): string {
  if (serving === undefined) return 'none';
  if (!local) return anywhereKey(perClass);
  const ads = perClass.map((adv) => (adv === undefined ? '-' : adsKey(adv.advertisements))).join('|');
  const where = serving === 'anywhere' ? '*' : [...serving].sort().join(',');
  return `${ads}/L/${where}`;
}

const NO_SLICES: readonly EndpointSlice[] = [];

const sameLabels = (a: Labels, b: Labels): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** The same service as far as planning reads it (a relist brings equal objects). */
function sameService(a: Service, b: Service): boolean {
  return (
    a.spec.type === b.spec.type &&
    a.spec.externalTrafficPolicy === b.spec.externalTrafficPolicy &&
    a.spec.loadBalancerClass === b.spec.loadBalancerClass &&
    a.sharingKey === b.sharingKey &&
    a.status.ingressIPs.length === b.status.ingressIPs.length &&
    a.status.ingressIPs.every((ip, i) => ip === b.status.ingressIPs[i]) &&
    sameLabels(a.metadata.labels, b.metadata.labels)
  );
}

function sameSlices(a: readonly EndpointSlice[], b: readonly EndpointSlice[]): boolean {
  return (
    a.length === b.length &&
    a.every((slice, i) => {
      const other = b[i]?.endpoints ?? [];
      return (
        slice.endpoints.length === other.length &&
        slice.endpoints.every(
          (e, j) =>
            e.nodeName === other[j]?.nodeName &&
            e.ready === other[j]?.ready &&
            e.serving === other[j]?.serving,
        )
      );
    })
  );
}

/** The profile last made or checked for a service, and that Service object. */
interface Known {
  svc: Service;
  profile: Profile;
  /** The model's EndpointSlices when the profile's slices were last looked up: the same list, the same slices. */
  sliceList: readonly EndpointSlice[];
}

/**
 * Profiles by Service object and by "namespace/name": the same object (and slices) is reused at once,
 * an equal one of a new snapshot after comparing contents; in a new environment (an advertisement
 * edit) the same object keeps its key and serving nodes, and only its advertisements are derived again.
 */
export class ProfileCache {
  readonly #byKey = new Map<string, Known>();
  readonly #bySvc = new WeakMap<Service, Known>();

  /** The profile of a served service, reused when the service, its slices and the environment are. */
  profileOf(
    env: Environment,
    model: Model,
    svc: Service,
    slicesByService: ReadonlyMap<string, EndpointSlice[]>,
  ): Profile {
    const same = this.#bySvc.get(svc);
    if (same !== undefined) {
      const { profile } = same;
      const kept =
        same.sliceList === model.endpointSlices ||
        sameItems(profile.slices, slicesByService.get(profile.key) ?? NO_SLICES);
      if (kept) {
        same.sliceList = model.endpointSlices;
        if (profile.env !== env) same.profile = rebaseProfile(env, profile, svc);
        return same.profile;
      }
    }
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const slices = slicesByService.get(key) ?? NO_SLICES;
    const known = this.#byKey.get(key);
    if (known !== undefined && known.profile.env === env) {
      const { profile } = known;
      if (sameService(known.svc, svc) && sameSlices(profile.slices, slices)) {
        known.svc = svc;
        known.sliceList = model.endpointSlices;
        this.#bySvc.set(svc, known);
        return profile;
      }
    }
    const entry = {
      svc,
      profile: createProfile(env, model, svc, key, slices),
      sliceList: model.endpointSlices,
    };
    this.#byKey.set(key, entry);
    this.#bySvc.set(svc, entry);
    return entry.profile;
  }

  /** Forgets the services of earlier snapshots once they outnumber the current ones. */
  retain(current: readonly Profile[]): void {
    if (this.#byKey.size <= 2 * current.length + 64) return;
    const keys = new Set(current.map((profile) => profile.key));
    for (const key of this.#byKey.keys()) if (!keys.has(key)) this.#byKey.delete(key);
  }
}

function refusalOf(env: Environment, svc: Service): string | undefined {
  const { pools, advertisements } = env.resources;
  return mayRefuseSharing(pools, advertisements, env.lookup, svc)
    ? sharingRefusal(env.resources, svc)
    : undefined;
}

function finishProfile(
  env: Environment,
  svc: Service,
  base: Pick<Profile, 'slices' | 'key' | 'serving' | 'local'>,
  knownHome?: number,
): Profile {
  const refusal = refusalOf(env, svc);
  const home = knownHome ?? onePool(svc.status.ingressIPs, env.lookup);
  const perClass = env.advertisers.map((advertise) => advertise(svc, home));
  const { serving, local } = base;
  return {
    env,
    slices: base.slices,
    key: base.key,
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ips: svc.status.ingressIPs,
    refusal,
    home,
    perClass,
    serving,
    local,
    eligibilityKey: refusal === undefined ? eligibilityKeyOf(perClass, serving, local) : 'none',
  };
}

/** The profile of the same service and slices in another environment (its pool kept with the lookup). */
function rebaseProfile(env: Environment, profile: Profile, svc: Service): Profile {
  return finishProfile(env, svc, profile, profile.env.lookup === env.lookup ? profile.home : undefined);
}

function createProfile(
  env: Environment,
  model: Model,
  svc: Service,
  key: string,
  slices: readonly EndpointSlice[],
): Profile {
  // A service without slices is served anywhere (servingNodes): no model copy for the 9 in 10 of them.
  const serving = slices.length === 0 ? 'anywhere' : servingNodes({ ...model, endpointSlices: slices }, svc);
  const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
  return finishProfile(env, svc, { slices, key, serving, local });
}

const sliceIndexes = new WeakMap<readonly EndpointSlice[], Map<string, EndpointSlice[]>>();

/** The model's EndpointSlices by "namespace/service", kept per (frozen) list of slices. */
export function slicesByService(model: Model): ReadonlyMap<string, EndpointSlice[]> {
  const known = sliceIndexes.get(model.endpointSlices);
  if (known !== undefined) return known;
  const index = new Map<string, EndpointSlice[]>();
  sliceIndexes.set(model.endpointSlices, index);
  for (const slice of model.endpointSlices) {
    const key = `${slice.metadata.namespace}/${slice.serviceName}`;
    const list = index.get(key);
    if (list === undefined) index.set(key, [slice]);
    else list.push(slice);
  }
  return index;
}

const servedLists = new WeakMap<
  readonly Service[],
  { readonly lbClass: string | undefined; list: Service[] }
>();

/**
 * The services plan() elects: LoadBalancers of the class served, with an IP. Kept per services list (a
 * snapshot that changed something else, an advertisement, keeps the list of Services).
 */
export function servedServices(model: Model, opts: PlanOptions): readonly Service[] {
  const known = servedLists.get(model.services);
  if (known !== undefined && known.lbClass === opts.loadBalancerClass) return known.list;
  const list = model.services.filter((svc) => servedHere(svc, opts) && svc.status.ingressIPs.length > 0);
  servedLists.set(model.services, { lbClass: opts.loadBalancerClass, list });
  return list;
}
