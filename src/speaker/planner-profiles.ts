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
import { mayRefuseSharing } from './planner-advertise.ts';
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

function eligibilityKeyOf(
  env: Environment,
  perClass: readonly (NodeAdvertisement | undefined)[],
  serving: ServingNodes | undefined,
  local: boolean,
): string {
  if (serving === undefined) return 'none';
  const ads = perClass.map((adv) =>
    adv === undefined ? '-' : adv.advertisements.map(adKey).sort().join(','),
  );
  const where = local && serving !== 'anywhere' ? [...serving].sort().join(',') : '*';
  return `${ads.join('|')}/${local ? 'L' : 'C'}/${where}`;
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

/**
 * Profiles by "namespace/name", with the Service object they were last made or checked for: the same
 * object (and slices) is reused at once, an equal one of a new snapshot after comparing contents.
 */
export class ProfileCache {
  readonly #byKey = new Map<string, { svc: Service; readonly profile: Profile }>();

  /** The profile of a served service, reused when the service, its slices and the environment are. */
  profileOf(
    env: Environment,
    model: Model,
    svc: Service,
    slicesByService: ReadonlyMap<string, EndpointSlice[]>,
  ): Profile {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const slices = slicesByService.get(key) ?? NO_SLICES;
    const known = this.#byKey.get(key);
    if (known !== undefined && known.profile.env === env) {
      const { profile } = known;
      if (known.svc === svc && sameItems(profile.slices, slices)) return profile;
      if (sameService(known.svc, svc) && sameSlices(profile.slices, slices)) {
        known.svc = svc;
        return profile;
      }
    }
    const profile = createProfile(env, model, svc, key, slices);
    this.#byKey.set(key, { svc, profile });
    return profile;
  }

  /** Forgets the services of earlier snapshots once they outnumber the current ones. */
  retain(current: readonly Profile[]): void {
    if (this.#byKey.size <= 2 * current.length + 64) return;
    const keys = new Set(current.map((profile) => profile.key));
    for (const key of this.#byKey.keys()) if (!keys.has(key)) this.#byKey.delete(key);
  }
}

function createProfile(
  env: Environment,
  model: Model,
  svc: Service,
  key: string,
  slices: readonly EndpointSlice[],
): Profile {
  const { pools, advertisements } = env.resources;
  const refusal = mayRefuseSharing(pools, advertisements, env.lookup, svc)
    ? sharingRefusal(env.resources, svc)
    : undefined;
  const serving = servingNodes({ ...model, endpointSlices: slices }, svc);
  const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
  const perClass = env.advertisers.map((advertise) => advertise(svc));
  return {
    env,
    slices,
    key,
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ips: svc.status.ingressIPs,
    refusal,
    perClass,
    serving,
    local,
    eligibilityKey: refusal === undefined ? eligibilityKeyOf(env, perClass, serving, local) : 'none',
  };
}

/** The model's EndpointSlices by "namespace/service". */
export function slicesByService(model: Model): Map<string, EndpointSlice[]> {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of model.endpointSlices) {
    const key = `${slice.metadata.namespace}/${slice.serviceName}`;
    const list = index.get(key);
    if (list === undefined) index.set(key, [slice]);
    else list.push(slice);
  }
  return index;
}

/** The services plan() elects: LoadBalancers of the class served, with an IP. */
export function servedServices(model: Model, opts: PlanOptions): Service[] {
  return model.services.filter((svc) => servedHere(svc, opts) && svc.status.ingressIPs.length > 0);
}
