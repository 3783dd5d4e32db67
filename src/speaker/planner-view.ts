/**
 * What the planner derives from a model once and keeps while it lasts: the environment every service's
 * eligibility depends on (pools, advertisements, Nodes, this node, options), the members' classes (the
 * advertisements matching their labels), and a profile per service, kept by object identity: a new
 * snapshot that keeps a Service object (and its EndpointSlices) reuses its profile.
 */
import {
  EXCLUDE_LB_LABEL,
  memberLabels,
  selectorMatches,
  servedHere,
  servingNodes,
  sharingRefusal,
  type EligibilityOptions,
  type EndpointSlice,
  type IPAddressPool,
  type L2Advertisement,
  type Labels,
  type Model,
  type NodeAdvertisement,
  type Service,
  type ServingNodes,
} from '../config/index.ts';
import type { PlanNode, PlanOptions } from './plan.ts';
import { classAdvertiser, type PoolLookup } from './planner-advertise.ts';

/** A member that may announce anything at all, with its class (index into Environment.classes). */
export interface MemberInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly cls: number;
}

/** Everything but the services, members and endpoints that eligibility reads. */
export interface Environment {
  /** The pools and advertisements last seen with these contents (a new snapshot's replace them). */
  pools: readonly IPAddressPool[];
  advertisements: readonly L2Advertisement[];
  readonly resourcesSignature: string;
  /** The Nodes last seen with these contents (a new snapshot's list replaces it). */
  nodes: Model['nodes'];
  readonly nodesSignature: string;
  readonly optionsSignature: string;
  readonly options: EligibilityOptions;
  /** A representative's labels per class of members. */
  readonly classes: readonly Labels[];
  readonly selfClass: number;
  /** The class of members without a Node document (no labels). */
  readonly orphanClass: number;
  /** Member name -> its info, or null when it may announce nothing (NetworkUnavailable, excluded). */
  readonly members: Map<string, MemberInfo | null>;
  /**
   * The pools and advertisements as first seen, as a model of their own: advertisers built on it
   * keep their per-IP pool lookups for the life of the environment, not of one snapshot.
   */
  readonly resources: Model;
  /** One advertiser per class, on `resources`. */
  readonly advertisers: readonly ((svc: Service) => NodeAdvertisement | undefined)[];
}

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

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a === b || (a.length === b.length && a.every((item, i) => item === b[i]));

function nodesSignature(nodes: Model['nodes']): string {
  return JSON.stringify(nodes.map((n) => [n.metadata.name, n.metadata.labels, n.status.networkUnavailable]));
}

export function poolsSignature(model: Model): string {
  return JSON.stringify(model.pools);
}

function resourcesSignature(model: Model): string {
  return JSON.stringify([model.pools, model.advertisements]);
}

function classOf(advertisements: readonly L2Advertisement[], labels: Labels): string {
  return advertisements
    .map((ad) => {
      const selectors = ad.spec.nodeSelectors;
      return selectors.length === 0 || selectors.some((s) => selectorMatches(s, labels)) ? '1' : '0';
    })
    .join('');
}

function optionsSignature(node: PlanNode, opts: PlanOptions): string {
  return JSON.stringify([node.name, node.labels, opts.ignoreExcludeLb === true, opts.loadBalancerClass]);
}

/** Whether `env` still describes this model, node and options. */
export function environmentHolds(env: Environment, model: Model, node: PlanNode, opts: PlanOptions): boolean {
  if (!sameItems(env.pools, model.pools) || !sameItems(env.advertisements, model.advertisements)) {
    // A relist brings new objects with the same contents: the environment still holds.
    if (env.resourcesSignature !== resourcesSignature(model)) return false;
    env.pools = model.pools;
    env.advertisements = model.advertisements;
  }
  if (env.optionsSignature !== optionsSignature(node, opts)) return false;
  if (sameItems(env.nodes, model.nodes)) return true;
  if (env.nodesSignature !== nodesSignature(model.nodes)) return false;
  env.nodes = model.nodes;
  return true;
}

/** `lookup` is reused when it was made for pools of the same contents (see PoolLookup). */
export function createEnvironment(
  model: Model,
  node: PlanNode,
  opts: PlanOptions,
  lookup: PoolLookup,
): Environment {
  const options: EligibilityOptions = { ...opts, nodeLabels: { [node.name]: node.labels } };
  const { advertisements } = model;
  const resources: Model = {
    pools: model.pools,
    advertisements,
    services: [],
    nodes: [],
    endpointSlices: [],
  };
  // Every class a member can be in: a Node document's labels, none (no document), this node's.
  const candidateLabels = [
    ...model.nodes.map((n) => memberLabels(model, n.metadata.name, options)),
    {},
    memberLabels(model, node.name, options),
  ];
  const classKeys = new Map<string, number>();
  const classes: Labels[] = [];
  for (const labels of candidateLabels) {
    const key = classOf(advertisements, labels);
    if (!classKeys.has(key)) {
      classKeys.set(key, classes.length);
      classes.push(labels);
    }
  }
  const env: Environment = {
    pools: model.pools,
    advertisements,
    resourcesSignature: resourcesSignature(model),
    nodes: model.nodes,
    nodesSignature: nodesSignature(model.nodes),
    optionsSignature: optionsSignature(node, opts),
    options,
    classes,
    selfClass: classKeys.get(classOf(advertisements, memberLabels(model, node.name, options))) ?? 0,
    orphanClass: classKeys.get(classOf(advertisements, {})) ?? 0,
    members: new Map(),
    resources,
    advertisers: classes.map((labels) =>
      classAdvertiser(model.pools, advertisements, labels, lookup, options),
    ),
  };
  const memberInfo = (name: string): MemberInfo | null => {
    if (model.nodes.some((n) => n.metadata.name === name && n.status.networkUnavailable)) return null;
    const labels = memberLabels(model, name, options);
    if (options.ignoreExcludeLb !== true && Object.hasOwn(labels, EXCLUDE_LB_LABEL)) return null;
    return { name, labels, cls: classKeys.get(classOf(advertisements, labels)) ?? 0 };
  };
  for (const n of model.nodes) env.members.set(n.metadata.name, memberInfo(n.metadata.name));
  env.members.set(node.name, memberInfo(node.name));
  return env;
}

/** A member's info; one without a Node document has no labels (this node's are known beforehand). */
export function memberOf(env: Environment, name: string): MemberInfo | null {
  let info = env.members.get(name);
  if (info === undefined) {
    info = { name, labels: {}, cls: env.orphanClass };
    env.members.set(name, info);
  }
  return info;
}

function eligibilityKeyOf(
  env: Environment,
  perClass: readonly (NodeAdvertisement | undefined)[],
  serving: ServingNodes | undefined,
  local: boolean,
): string {
  if (serving === undefined) return 'none';
  const ads = perClass.map((adv) =>
    adv === undefined
      ? '-'
      : adv.advertisements
          .map((ad) => JSON.stringify([ad.metadata.namespace, ad.metadata.name]))
          .sort()
          .join(','),
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

/** Profiles by Service object, and by "namespace/name" for equal objects of a new snapshot. */
export class ProfileCache {
  readonly #byObject = new WeakMap<Service, Profile>();
  readonly #byKey = new Map<string, { readonly svc: Service; readonly profile: Profile }>();

  /** The profile of a served service, reused when the service, its slices and the environment are. */
  profileOf(
    env: Environment,
    model: Model,
    svc: Service,
    slicesByService: ReadonlyMap<string, EndpointSlice[]>,
  ): Profile {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const slices = slicesByService.get(key) ?? NO_SLICES;
    const known = this.#byObject.get(svc);
    if (known !== undefined && known.env === env && sameItems(known.slices, slices)) return known;
    const previous = this.#byKey.get(key);
    let profile: Profile;
    if (
      previous !== undefined &&
      previous.profile.env === env &&
      sameService(previous.svc, svc) &&
      sameSlices(previous.profile.slices, slices)
    )
      profile = previous.profile;
    else profile = createProfile(env, model, svc, key, slices);
    this.#byObject.set(svc, profile);
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
  const refusal = sharingRefusal(env.resources, svc);
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
