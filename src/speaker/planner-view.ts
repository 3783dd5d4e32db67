/**
 * What the planner derives from a model once and keeps while it lasts: the environment every service's
 * eligibility depends on (pools, advertisements, Nodes, this node, options), the members' classes (the
 * advertisements matching their labels), and a profile per service, kept by object identity: a new
 * snapshot that keeps a Service object (and its EndpointSlices) reuses its profile.
 */
import {
  EXCLUDE_LB_LABEL,
  memberLabels,
  nodeAdvertiser,
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

/** A member that may announce anything at all, with its class (index into Environment.classes). */
export interface MemberInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly cls: number;
}

/** Everything but the services, members and endpoints that eligibility reads. */
export interface Environment {
  readonly pools: readonly IPAddressPool[];
  readonly advertisements: readonly L2Advertisement[];
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
  readonly adIndex: ReadonlyMap<L2Advertisement, number>;
  /** Per model: one advertiser per class. */
  readonly advertisers: WeakMap<Model, ((svc: Service) => NodeAdvertisement | undefined)[]>;
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
  if (!sameItems(env.pools, model.pools) || !sameItems(env.advertisements, model.advertisements))
    return false;
  if (env.optionsSignature !== optionsSignature(node, opts)) return false;
  if (sameItems(env.nodes, model.nodes)) return true;
  if (env.nodesSignature !== nodesSignature(model.nodes)) return false;
  env.nodes = model.nodes;
  return true;
}

export function createEnvironment(model: Model, node: PlanNode, opts: PlanOptions): Environment {
  const options: EligibilityOptions = { ...opts, nodeLabels: { [node.name]: node.labels } };
  const { advertisements } = model;
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
    nodes: model.nodes,
    nodesSignature: nodesSignature(model.nodes),
    optionsSignature: optionsSignature(node, opts),
    options,
    classes,
    selfClass: classKeys.get(classOf(advertisements, memberLabels(model, node.name, options))) ?? 0,
    orphanClass: classKeys.get(classOf(advertisements, {})) ?? 0,
    members: new Map(),
    adIndex: new Map(advertisements.map((ad, i) => [ad, i])),
    advertisers: new WeakMap(),
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

function advertisersOf(env: Environment, model: Model): ((svc: Service) => NodeAdvertisement | undefined)[] {
  let advertisers = env.advertisers.get(model);
  if (advertisers === undefined) {
    advertisers = env.classes.map((labels) => nodeAdvertiser(model, { name: '', labels }, env.options));
    env.advertisers.set(model, advertisers);
  }
  return advertisers;
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
          .map((ad) => env.adIndex.get(ad) ?? -1)
          .sort((a, b) => a - b)
          .join(','),
  );
  const where = local && serving !== 'anywhere' ? [...serving].sort().join(',') : '*';
  return `${ads.join('|')}/${local ? 'L' : 'C'}/${where}`;
}

const NO_SLICES: readonly EndpointSlice[] = [];

/** The profile of a served service, reused when its object, its slices and the environment are the same. */
export function profileOf(
  cache: WeakMap<Service, Profile>,
  env: Environment,
  model: Model,
  svc: Service,
  slicesByService: ReadonlyMap<string, EndpointSlice[]>,
): Profile {
  const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const slices = slicesByService.get(key) ?? NO_SLICES;
  const known = cache.get(svc);
  if (known !== undefined && known.env === env && sameItems(known.slices, slices)) return known;
  const refusal = sharingRefusal(model, svc);
  const serving = servingNodes({ ...model, endpointSlices: slices }, svc);
  const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
  const perClass = advertisersOf(env, model).map((advertise) => advertise(svc));
  const profile: Profile = {
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
  cache.set(svc, profile);
  return profile;
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
