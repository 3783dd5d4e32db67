/**
 * The planner's environment: what every service's eligibility depends on besides the service, its
 * endpoints and the members (pools, advertisements, Nodes, this node, options), and the members'
 * classes (the advertisements matching their labels). A snapshot with equal contents keeps it.
 */
import {
  EXCLUDE_LB_LABEL,
  memberLabels,
  selectorMatches,
  type EligibilityOptions,
  type IPAddressPool,
  type L2Advertisement,
  type Labels,
  type Model,
} from '../config/index.ts';
import type { PlanNode, PlanOptions } from './plan.ts';
import { classAdvertiser, type ClassAdvertiser, type PoolLookup } from './planner-advertise.ts';

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
  /** The pool of each IP, shared by environments over pools of the same contents. */
  readonly lookup: PoolLookup;
  /** One advertiser per class, on `resources`. */
  readonly advertisers: readonly ClassAdvertiser[];
}

export const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
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
  // memberLabels finds a name's Node by scanning them all: once per name here, not 100 x 100 per edit.
  const firstNodes = new Map<string, Model['nodes'][number]>();
  const unavailable = new Set<string>();
  for (const n of model.nodes) {
    if (!firstNodes.has(n.metadata.name)) firstNodes.set(n.metadata.name, n);
    if (n.status.networkUnavailable) unavailable.add(n.metadata.name);
  }
  const labelsOf = (name: string): Labels => {
    const doc = firstNodes.get(name);
    return doc === undefined
      ? memberLabels(model, name, options)
      : { ...doc.metadata.labels, ...options.nodeLabels?.[name] };
  };
  // Every class a member can be in: a Node document's labels, none (no document), this node's.
  const candidateLabels = [...model.nodes.map((n) => labelsOf(n.metadata.name)), {}, labelsOf(node.name)];
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
    lookup,
    nodes: model.nodes,
    nodesSignature: nodesSignature(model.nodes),
    optionsSignature: optionsSignature(node, opts),
    options,
    classes,
    selfClass: classKeys.get(classOf(advertisements, labelsOf(node.name))) ?? 0,
    orphanClass: classKeys.get(classOf(advertisements, {})) ?? 0,
    members: new Map(),
    resources,
    advertisers: classes.map((labels) =>
      classAdvertiser(model.pools, advertisements, labels, lookup, options),
    ),
  };
  const memberInfo = (name: string): MemberInfo | null => {
    if (unavailable.has(name)) return null;
    const labels = labelsOf(name);
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
