/**
 * The incremental planner: the same Plan as plan(), recomputing only what a change can affect.
 *
 * - Per service, what does not depend on the members (its advertisements per class of member, its
 *   serving nodes, its sharing refusal) is kept by object identity, or by equal contents after a
 *   relist (planner-view.ts).
 * - Services with the same eligibility key share one candidates array per member set, and the owner of
 *   each (candidates array, first IP) is kept (planner-members.ts): MetalLB's hashes per (member, IP)
 *   and the ring with each IP's point are kept too.
 * - When members only leave, only the services they owned (or left without candidates) are elected
 *   again, and the new owners are laid over the previous ones (OwnerMap).
 *
 * @example
 *   const planner = createPlanner();
 *   const { addresses } = planner.plan(model, { name: 'node-a', labels: {} }, ['node-a', 'node-b']);
 */
import type { Model } from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import type { ElectionMode } from '../election/index.ts';
import { OwnerMap } from './owner-map.ts';
import { electGroup, groupBySharedIps, type Contender, type Refusal } from './plan-groups.ts';
import type { Plan, PlanNode, PlanOptions } from './plan.ts';
import { PoolLookup } from './planner-advertise.ts';
import { MemberCaches, type MemberChange } from './planner-members.ts';
import { ProfileCache, servedServices, slicesByService, type Profile } from './planner-profiles.ts';
import { createEnvironment, environmentHolds, poolsSignature, type Environment } from './planner-view.ts';

export interface Planner {
  /** The plan of plan(model, node, liveMembers, opts), from what the previous calls left. */
  plan(model: Model, node: PlanNode, liveMembers: readonly string[], opts?: PlanOptions): Plan;
}

/** The served services of one model, and the components of those sharing IPs. */
interface ModelView {
  /** The last model seen with these served services (a snapshot equal for planning replaces it). */
  model: Model;
  readonly env: Environment;
  readonly served: readonly Profile[];
  /** Components of two or more services that could contend (linked by shared IPs). */
  readonly shared: readonly (readonly Profile[])[];
  /** Per served service: its index in `shared`, or -1 when it stands alone. */
  readonly componentOf: Int32Array;
  readonly index: ReadonlyMap<Profile, number>;
  /** Served services by eligibility key. */
  readonly byKey: ReadonlyMap<string, number[]>;
  readonly sharingRefusals: readonly Refusal[];
}

/** The last plan and what it was made of, for the next one to change only what moved. */
interface PlanState {
  readonly view: ModelView;
  readonly mode: ElectionMode;
  readonly self: string;
  readonly ownerAt: (string | undefined)[];
  readonly byOwner: Map<string, Set<number>>;
  /** Per shared component: its groups' refusals, with the index of each group's last service. */
  readonly groupRefusals: Map<number, { last: number; refusals: Refusal[] }[]>;
  plan: Plan;
}

function compareProfiles(a: Profile, b: Profile): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function buildView(
  env: Environment,
  model: Model,
  opts: PlanOptions,
  profiles: ProfileCache,
  previous: ModelView | undefined,
): ModelView {
  const slices = slicesByService(model);
  const served = servedServices(model, opts).map((svc) => profiles.profileOf(env, model, svc, slices));
  profiles.retain(served);
  const same =
    previous?.env === env &&
    previous.served.length === served.length &&
    previous.served.every((p, i) => p === served[i]);
  if (same) {
    previous.model = model;
    return previous;
  }
  const index = new Map(served.map((p, i) => [p, i]));
  const shared = groupBySharedIps(served.filter((p) => p.eligibilityKey !== 'none')).filter(
    (component) => component.length > 1,
  );
  const componentOf = new Int32Array(served.length).fill(-1);
  shared.forEach((component, c) => component.forEach((p) => (componentOf[index.get(p) ?? 0] = c)));
  const byKey = new Map<string, number[]>();
  served.forEach((p, i) => {
    const list = byKey.get(p.eligibilityKey);
    if (list === undefined) byKey.set(p.eligibilityKey, [i]);
    else list.push(i);
  });
  const sharingRefusals = served.flatMap((p) =>
    p.refusal === undefined ? [] : [{ service: p.key, reason: p.refusal }],
  );
  return { model, env, served, shared, componentOf, index, byKey, sharingRefusals };
}

class IncrementalPlanner implements Planner {
  readonly #profiles = new ProfileCache();
  readonly #members = new MemberCaches();
  #pools = { signature: '', lookup: new PoolLookup([]) };
  #env: Environment | undefined;
  #view: ModelView | undefined;
  #state: PlanState | undefined;

  plan(model: Model, node: PlanNode, liveMembers: readonly string[], opts: PlanOptions = {}): Plan {
    const view = this.#viewOf(model, node, opts);
    const mode = opts.mode ?? 'metallb';
    this.#members.useMode(mode);
    const members = liveMembers.includes(node.name) ? liveMembers : [...liveMembers, node.name];
    const change = this.#members.follow(view.env, members);
    const state = this.#state;
    if (state?.view === view && state.mode === mode && state.self === node.name) {
      if (change.kind === 'same') return state.plan;
      if (change.kind === 'left') return this.#afterLeaving(state, change);
    }
    return this.#fullPlan(view, mode, node.name);
  }

  #viewOf(model: Model, node: PlanNode, opts: PlanOptions): ModelView {
    const previous = this.#view;
    if (previous?.model === model && environmentHolds(previous.env, model, node, opts)) return previous;
    let env = this.#env;
    if (env === undefined || !environmentHolds(env, model, node, opts)) {
      const pools = poolsSignature(model);
      if (pools !== this.#pools.signature)
        this.#pools = { signature: pools, lookup: new PoolLookup(model.pools) };
      env = createEnvironment(model, node, opts, this.#pools.lookup);
      this.#env = env;
      this.#members.reset();
    }
    const view = buildView(env, model, opts, this.#profiles, previous);
    if (view === previous) return view;
    this.#view = view;
    const ips = new Set<string>();
    for (const p of view.served) if (p.ips[0] !== undefined) ips.add(p.ips[0]);
    this.#members.retain(ips, new Set(view.byKey.keys()));
    return view;
  }

  #fullPlan(view: ModelView, mode: ElectionMode, self: string): Plan {
    const state: PlanState = {
      view,
      mode,
      self,
      ownerAt: [],
      byOwner: new Map(),
      groupRefusals: new Map(),
      plan: { addresses: [], refused: [], owners: new Map() },
    };
    const owners = new Map<string, string | undefined>();
    view.served.forEach((p, i) => {
      const owner = view.componentOf[i] === -1 ? this.#ownerAlone(p) : undefined;
      owners.set(p.key, owner);
      this.#setOwner(state, i, owner);
    });
    view.shared.forEach((_, c) => this.#electComponent(state, c, owners));
    state.plan = this.#planOf(state, owners);
    this.#state = state;
    return state.plan;
  }

  #afterLeaving(state: PlanState, change: Extract<MemberChange, { kind: 'left' }>): Plan {
    const { view } = state;
    const changes = new Map<string, string | undefined>();
    const dirty = new Set<number>();
    const affected = [
      ...[...change.left].flatMap((name) => [...(state.byOwner.get(name) ?? [])]),
      ...change.emptied.flatMap((key) => view.byKey.get(key) ?? []),
    ];
    for (const i of affected) {
      const component = view.componentOf[i] ?? -1;
      const p = view.served[i];
      if (component !== -1) dirty.add(component);
      else if (p !== undefined) {
        const owner = this.#ownerAlone(p);
        if (owner !== state.ownerAt[i]) changes.set(p.key, owner);
        this.#setOwner(state, i, owner);
      }
    }
    for (const c of dirty) this.#electComponent(state, c, changes);
    state.plan = this.#planOf(state, OwnerMap.over(state.plan.owners, changes));
    return state.plan;
  }

  #ownerAlone(p: Profile): string | undefined {
    const firstIp = p.ips[0];
    const candidates = this.#members.candidatesFor(p);
    return firstIp === undefined || candidates.length === 0
      ? undefined
      : this.#members.owner(candidates, firstIp);
  }

  /** Elects the groups of a shared component; sets their owners in `owners` and the state. */
  #electComponent(state: PlanState, c: number, owners: Map<string, string | undefined>): void {
    const { view } = state;
    const component = view.shared[c] ?? [];
    const contenders = component
      .map((p) => ({ key: p.key, ips: p.ips, candidates: this.#members.candidatesFor(p), profile: p }))
      .filter((contender) => contender.candidates.length > 0);
    const elected = new Map<string, string | undefined>();
    const refusals: { last: number; refusals: Refusal[] }[] = [];
    for (const group of groupBySharedIps<Contender & { profile: Profile }>(contenders)) {
      const refused: Refusal[] = [];
      electGroup(group, this.#members.elect, elected, refused);
      const last = group[group.length - 1]?.profile;
      refusals.push({ last: last === undefined ? 0 : (view.index.get(last) ?? 0), refusals: refused });
    }
    state.groupRefusals.set(c, refusals);
    for (const p of component) {
      const i = view.index.get(p) ?? 0;
      const owner = elected.get(p.key);
      if (owner !== state.ownerAt[i] || !owners.has(p.key)) owners.set(p.key, owner);
      this.#setOwner(state, i, owner);
    }
  }

  #setOwner(state: PlanState, i: number, owner: string | undefined): void {
    const previous = state.ownerAt[i];
    if (previous === owner && i < state.ownerAt.length) return;
    if (previous !== undefined) state.byOwner.get(previous)?.delete(i);
    state.ownerAt[i] = owner;
    if (owner === undefined) return;
    let owned = state.byOwner.get(owner);
    if (owned === undefined) {
      owned = new Set();
      state.byOwner.set(owner, owned);
    }
    owned.add(i);
  }

  /** The plan's refusals in plan()'s order, and this node's addresses in namespace/name order. */
  #planOf(state: PlanState, owners: ReadonlyMap<string, string | undefined>): Plan {
    const { view } = state;
    const groups = [...state.groupRefusals.values()].flat().sort((a, b) => a.last - b.last);
    const refused = [...view.sharingRefusals, ...groups.flatMap((group) => group.refusals)];
    const owned = [...(state.byOwner.get(state.self) ?? [])].sort(
      (a, b) => compareProfiles(view.served[a] as Profile, view.served[b] as Profile) || a - b,
    );
    const addresses: DesiredAddress[] = owned.flatMap((i) => {
      const advertised = view.served[i]?.perClass[view.env.selfClass];
      if (advertised === undefined) return [];
      const { ips, interfaces } = advertised.service;
      return ips.map((ip) => ({
        ip,
        interfaces,
        service: view.served[i]?.key ?? '',
      }));
    });
    return { addresses, refused, owners };
  }
}

/** A planner keeping what it derived between calls; one per speaker (it holds no I/O). */
export function createPlanner(): Planner {
  return new IncrementalPlanner();
}
