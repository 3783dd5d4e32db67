/**
 * The planner's profile of each served service: what depends neither on the members nor on the
 * advertisements (its IPs and their pool, its serving nodes), kept by object identity, or by equal
 * contents when a new snapshot (a relist) brings new objects. An advertisement edit keeps every profile
 * (see planner-eligibility.ts for what it changes).
 */
import {
  servedHere,
  servingNodes,
  type EndpointSlice,
  type Labels,
  type Model,
  type Service,
  type ServingNodes,
} from '../config/index.ts';
import type { PlanOptions } from './plan.ts';
import { onePool, type PoolLookup } from './planner-advertise.ts';
import { sameItems } from './planner-view.ts';

/** One served service (LoadBalancer of our class, with an IP) as far as members and advertisements do not matter. */
export interface Profile {
  /** The Service last made into this profile (a later one of equal contents for planning reuses it). */
  readonly svc: Service;
  /** The pools' lookup `home` was found with. */
  readonly lookup: PoolLookup;
  readonly slices: readonly EndpointSlice[];
  /** "namespace/name". */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  /** onePool(ips): the pool holding every IP, -1 when they are not in one. */
  readonly home: number;
  readonly serving: ServingNodes | undefined;
  readonly local: boolean;
  /** A local service's serving nodes, sorted and joined ('' when not local): part of its eligibility key. */
  readonly servingKey: string;
}

/** Namespace, then name: the order of this node's addresses. */
export function compareProfiles(a: Profile, b: Profile): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The same services in the same order. */
export const sameKeys = (a: readonly Profile[], b: readonly Profile[]): boolean =>
  a === b || (a.length === b.length && a.every((p, i) => p.key === b[i]?.key));

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
 * an equal one of a new snapshot after comparing contents; new pools (another lookup) find each
 * service's pool again.
 */
export class ProfileCache {
  readonly #byKey = new Map<string, Known>();
  readonly #bySvc = new WeakMap<Service, Known>();
  /**
   * One Set per distinct group of serving nodes: with 10,000 Local services on a few nodes, a Set per
   * service cost ~230 B each (2.3 MB), and shared Sets also make equal profiles compare by identity.
   */
  #servingGroups = new Map<string, ReadonlySet<string>>();

  /** The profile of a served service, reused when the service, its slices and the pools are. */
  profileOf(
    lookup: PoolLookup,
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
        if (profile.lookup !== lookup)
          same.profile = { ...profile, lookup, home: onePool(profile.ips, lookup) };
        return same.profile;
      }
    }
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const slices = slicesByService.get(key) ?? NO_SLICES;
    const known = this.#byKey.get(key);
    if (known !== undefined && known.profile.lookup === lookup) {
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
      profile: createProfile(lookup, model, svc, key, slices, (nodes) => this.#sharedGroup(nodes)),
      sliceList: model.endpointSlices,
    };
    this.#byKey.set(key, entry);
    this.#bySvc.set(svc, entry);
    return entry.profile;
  }

  /** Forgets the services of earlier snapshots once they outnumber the current ones. */
  retain(current: readonly Profile[]): void {
    if (this.#servingGroups.size > 2 * current.length + 64) {
      this.#servingGroups = new Map();
      for (const { serving } of current) if (typeof serving === 'object') this.#sharedGroup(serving);
    }
    if (this.#byKey.size <= 2 * current.length + 64) return;
    const keys = new Set(current.map((profile) => profile.key));
    for (const key of this.#byKey.keys()) if (!keys.has(key)) this.#byKey.delete(key);
  }

  #sharedGroup(nodes: ReadonlySet<string>): ReadonlySet<string> {
    const key = [...nodes].sort().join(',');
    const known = this.#servingGroups.get(key);
    if (known !== undefined) return known;
    this.#servingGroups.set(key, nodes);
    return nodes;
  }
}

function createProfile(
  lookup: PoolLookup,
  model: Model,
  svc: Service,
  key: string,
  slices: readonly EndpointSlice[],
  shared: (nodes: ReadonlySet<string>) => ReadonlySet<string>,
): Profile {
  // A service without slices is served anywhere (servingNodes): no model copy for the 9 in 10 of them.
  const found = slices.length === 0 ? 'anywhere' : servingNodes({ ...model, endpointSlices: slices }, svc);
  const serving = typeof found === 'object' ? shared(found) : found;
  const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
  return {
    svc,
    lookup,
    slices,
    key,
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ips: svc.status.ingressIPs,
    home: onePool(svc.status.ingressIPs, lookup),
    serving,
    local,
    servingKey: local && typeof serving === 'object' ? [...serving].sort().join(',') : '',
  };
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
