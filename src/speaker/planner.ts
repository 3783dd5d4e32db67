/**
 * The incremental planner: the same Plan as plan(), recomputing only what a change can affect.
 *
 * - Per service, what does not depend on the members (its advertisements per class of member, its
 *   serving nodes, its sharing refusal) is kept by object identity (planner-view.ts).
 * - Services with the same eligibility key share one candidates array per member set, and the owner
 *   of each (candidates array, first IP) is kept. When members only leave, each array loses them and
 *   keeps every owner that stayed: in both rules an owner still present stays the owner of a subset.
 * - MetalLB's rule keeps each (member, IP) hash (MetallbRanks); the ring keeps its ring and each IP's
 *   point (RingWalk), walking past members that left.
 */
import type { Candidate, Model, Service } from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import { MetallbRanks, RingWalk, type ElectionMode } from '../election/index.ts';
import { electGroup, groupBySharedIps, type Contender, type Refusal } from './plan-groups.ts';
import type { Plan, PlanNode, PlanOptions } from './plan.ts';
import {
  createEnvironment,
  environmentHolds,
  memberOf,
  profileOf,
  servedServices,
  slicesByService,
  type Environment,
  type MemberInfo,
  type Profile,
} from './planner-view.ts';
import { selectorMatches, type L2Advertisement, type Labels } from '../config/index.ts';

export interface Planner {
  /** The plan of plan(model, node, liveMembers, opts), from what the previous calls left. */
  plan(model: Model, node: PlanNode, liveMembers: readonly string[], opts?: PlanOptions): Plan;
}

/** The served services of one model, with their components (services linked by shared IPs). */
interface ModelView {
  readonly model: Model;
  readonly env: Environment;
  readonly served: readonly Profile[];
  /** Components of two or more services that could contend; every other service stands alone. */
  readonly shared: readonly (readonly Profile[])[];
  readonly inShared: ReadonlySet<Profile>;
  readonly index: ReadonlyMap<Profile, number>;
  readonly ips: ReadonlySet<string>;
}

const NO_CANDIDATES: readonly Candidate[] = [];

function weightOf(advertisements: readonly L2Advertisement[], labels: Labels): number {
  let weight = 0;
  for (const ad of advertisements)
    for (const preferred of ad.spec.preferredNodeSelectors)
      if (selectorMatches(preferred.preference, labels)) weight += preferred.weight;
  return weight;
}

/** The candidates of every service like `profile` among the usable members (sorted by name). */
function candidatesOf(profile: Profile, usable: readonly MemberInfo[]): readonly Candidate[] {
  const { serving, local, perClass } = profile;
  if (serving === undefined || profile.refusal !== undefined) return NO_CANDIDATES;
  const candidates: Candidate[] = [];
  for (const member of usable) {
    if (local && serving !== 'anywhere' && !serving.has(member.name)) continue;
    const advertised = perClass[member.cls];
    if (advertised !== undefined)
      candidates.push({ name: member.name, weight: weightOf(advertised.advertisements, member.labels) });
  }
  return candidates.length === 0 ? NO_CANDIDATES : candidates;
}

function compareProfiles(a: Profile, b: Profile): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function buildView(
  env: Environment,
  model: Model,
  opts: PlanOptions,
  profiles: WeakMap<Service, Profile>,
): ModelView {
  const slices = slicesByService(model);
  const served = servedServices(model, opts).map((svc) => profileOf(profiles, env, model, svc, slices));
  const contending = served.filter((p) => p.eligibilityKey !== 'none');
  const shared = groupBySharedIps(contending).filter((component) => component.length > 1);
  const ips = new Set<string>();
  for (const p of served) if (p.ips[0] !== undefined) ips.add(p.ips[0]);
  return {
    model,
    env,
    served,
    shared,
    inShared: new Set(shared.flat()),
    index: new Map(served.map((p, i) => [p, i])),
    ips,
  };
}

class IncrementalPlanner implements Planner {
  readonly #profiles = new WeakMap<Service, Profile>();
  readonly #ranks = new MetallbRanks();
  readonly #ring = new RingWalk();
  #env: Environment | undefined;
  #view: ModelView | undefined;
  #usable: readonly MemberInfo[] = [];
  /** Candidates per eligibility key, for #usable. */
  #candidates = new Map<string, readonly Candidate[]>();
  /** Owner per first IP, per candidates array, for #mode. */
  #owners = new Map<readonly Candidate[], Map<string, string | undefined>>();
  #mode: ElectionMode | undefined;

  plan(model: Model, node: PlanNode, liveMembers: readonly string[], opts: PlanOptions = {}): Plan {
    const view = this.#viewOf(model, node, opts);
    const mode = opts.mode ?? 'metallb';
    if (mode !== this.#mode) this.#owners.clear();
    this.#mode = mode;
    this.#follow(view.env, liveMembers.includes(node.name) ? liveMembers : [...liveMembers, node.name]);
    if (mode === 'ring') this.#ring.use(this.#usable.map((m) => m.name));
    const elect = (candidates: readonly Candidate[], ip: string): string | undefined =>
      mode === 'metallb' ? this.#ranks.owner(candidates, ip) : this.#ring.owner(candidates, ip);

    const owners = new Map<string, string | undefined>();
    const refused: Refusal[] = [];
    const owned: Profile[] = [];
    for (const p of view.served) {
      if (p.refusal !== undefined) refused.push({ service: p.key, reason: p.refusal });
      const firstIp = p.ips[0];
      const candidates = this.#candidatesFor(p);
      const owner =
        view.inShared.has(p) || firstIp === undefined || candidates.length === 0
          ? undefined
          : this.#elected(candidates, firstIp, elect);
      owners.set(p.key, owner);
      if (owner === node.name) owned.push(p);
    }
    // Shared IPs: groups of contenders, refusals in the order plan() makes them (by each group's last).
    const groupRefusals: { last: number; refusals: Refusal[] }[] = [];
    for (const component of view.shared) {
      const contenders = component
        .map((p) => ({ key: p.key, ips: p.ips, candidates: this.#candidatesFor(p), profile: p }))
        .filter((c) => c.candidates.length > 0);
      for (const group of groupBySharedIps<Contender & { profile: Profile }>(contenders)) {
        const refusals: Refusal[] = [];
        electGroup(group, elect, owners, refusals);
        const last = group[group.length - 1]?.profile;
        groupRefusals.push({ last: last === undefined ? 0 : (view.index.get(last) ?? 0), refusals });
        for (const c of group) if (owners.get(c.key) === node.name) owned.push(c.profile);
      }
    }
    groupRefusals.sort((a, b) => a.last - b.last);
    for (const { refusals } of groupRefusals) refused.push(...refusals);
    const addresses = this.#addresses(view, owned);
    return { addresses, refused, owners };
  }

  #viewOf(model: Model, node: PlanNode, opts: PlanOptions): ModelView {
    const previous = this.#view;
    if (previous?.model === model && environmentHolds(previous.env, model, node, opts)) return previous;
    let env = this.#env;
    if (env === undefined || !environmentHolds(env, model, node, opts)) {
      env = createEnvironment(model, node, opts);
      this.#env = env;
      this.#usable = [];
      this.#candidates.clear();
      this.#owners.clear();
    }
    const view = buildView(env, model, opts, this.#profiles);
    this.#view = view;
    this.#forgetGone(view);
    return view;
  }

  /** Keeps the caches to about what the model holds (IPs and eligibility keys come and go). */
  #forgetGone(view: ModelView): void {
    if (this.#ranks.size > 2 * view.ips.size + 1024) this.#ranks.retain(view.ips);
    this.#ring.retain(view.ips);
    const keys = new Set(view.served.map((p) => p.eligibilityKey));
    if (this.#candidates.size > 2 * keys.size + 64) {
      for (const [key, candidates] of this.#candidates) {
        if (keys.has(key)) continue;
        this.#candidates.delete(key);
        this.#owners.delete(candidates);
      }
    }
  }

  /** Moves the candidates (and the owners they keep) to the usable members among `members`. */
  #follow(env: Environment, members: readonly string[]): void {
    const usable = [...new Set(members)]
      .sort()
      .map((name) => memberOf(env, name))
      .filter((m): m is MemberInfo => m !== null);
    const previous = this.#usable;
    if (usable.length === previous.length && usable.every((m, i) => m === previous[i])) return;
    this.#usable = usable;
    const stayed = new Set(usable);
    const joined = usable.some((m) => !previous.includes(m));
    if (joined) {
      this.#candidates.clear();
      this.#owners.clear();
      return;
    }
    const left = new Set(previous.filter((m) => !stayed.has(m)).map((m) => m.name));
    for (const [key, candidates] of this.#candidates) {
      const remaining = candidates.filter((c) => !left.has(c.name));
      const next = remaining.length === 0 ? NO_CANDIDATES : remaining;
      this.#candidates.set(key, next);
      const owners = this.#owners.get(candidates);
      this.#owners.delete(candidates);
      if (owners === undefined || next === NO_CANDIDATES) continue;
      for (const [ip, owner] of owners) if (owner === undefined || left.has(owner)) owners.delete(ip);
      this.#owners.set(next, owners);
    }
  }

  #candidatesFor(profile: Profile): readonly Candidate[] {
    let candidates = this.#candidates.get(profile.eligibilityKey);
    if (candidates === undefined) {
      candidates = candidatesOf(profile, this.#usable);
      this.#candidates.set(profile.eligibilityKey, candidates);
    }
    return candidates;
  }

  #elected(
    candidates: readonly Candidate[],
    firstIp: string,
    elect: (candidates: readonly Candidate[], ip: string) => string | undefined,
  ): string | undefined {
    let owners = this.#owners.get(candidates);
    if (owners === undefined) {
      owners = new Map();
      this.#owners.set(candidates, owners);
    }
    if (owners.has(firstIp)) return owners.get(firstIp);
    const owner = elect(candidates, firstIp);
    owners.set(firstIp, owner);
    return owner;
  }

  /** What this node answers for: its services in namespace/name order, each with its IPs. */
  #addresses(view: ModelView, owned: Profile[]): DesiredAddress[] {
    const order = (p: Profile): number => view.index.get(p) ?? 0;
    return owned
      .sort((a, b) => compareProfiles(a, b) || order(a) - order(b))
      .flatMap((p) => {
        const advertised = p.perClass[view.env.selfClass];
        if (advertised === undefined) return [];
        const { ips, interfaces } = advertised.service;
        return ips.map((ip) => ({ ip, interfaces, service: p.key }));
      });
  }
}

/** A planner keeping what it derived between calls; one per speaker (it holds no I/O). */
export function createPlanner(): Planner {
  return new IncrementalPlanner();
}
