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
import type { Candidate, Model } from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import type { ElectionMode } from '../election/index.ts';
import { OwnerMap } from './owner-map.ts';
import { groupBySharedIps, type Refusal } from './plan-groups.ts';
import { ComponentElections } from './planner-components.ts';
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
  /** Components of two or more services that could contend (linked by shared IPs), as indices in served. */
  readonly shared: readonly (readonly number[])[];
  /** Per served service: its index in `shared`, or -1 when it stands alone. */
  readonly componentOf: Int32Array;
  readonly sharingRefusals: readonly Refusal[];
  /** Served services by eligibility key, made when first asked (a member leaving). */
  byKey: ReadonlyMap<string, number[]> | undefined;
}

/** The last plan and what it was made of, for the next one to change only what moved. */
interface PlanState {
  readonly view: ModelView;
  readonly mode: ElectionMode;
  readonly self: string;
  /** The owner of each served service (by index): scanned, not indexed, as scans compare pointers. */
  readonly ownerAt: (string | undefined)[];
  /** Per shared component: its groups' refusals, with the index of each group's last service. */
  readonly groupRefusals: Map<number, { last: number; refusals: Refusal[] }[]>;
  plan: Plan;
}

function compareProfiles(a: Profile, b: Profile): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const contends = (p: Profile): boolean => p.eligibilityKey !== 'none';

/** The components of services sharing IPs: the previous view's when every service has the same IPs. */
function sharedComponents(
  served: readonly Profile[],
  previous: ModelView | undefined,
): Pick<ModelView, 'shared' | 'componentOf'> {
  const before = previous?.served;
  const kept =
    previous !== undefined &&
    before?.length === served.length &&
    served.every((p, i) => {
      const old = before[i] as Profile;
      return old.ips === p.ips && contends(old) === contends(p);
    });
  if (kept) return previous;
  const indexed = served.flatMap((p, at) => (contends(p) ? [{ ips: p.ips, at }] : []));
  const shared = groupBySharedIps(indexed)
    .filter((component) => component.length > 1)
    .map((component) => component.map(({ at }) => at));
  const componentOf = new Int32Array(served.length).fill(-1);
  shared.forEach((component, c) => component.forEach((at) => (componentOf[at] = c)));
  return { shared, componentOf };
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
  const { shared, componentOf } = sharedComponents(served, previous);
  const sharingRefusals: Refusal[] = [];
  for (const p of served)
    if (p.refusal !== undefined) sharingRefusals.push({ service: p.key, reason: p.refusal });
  return { model, env, served, shared, componentOf, sharingRefusals, byKey: undefined };
}

function byKeyOf(view: ModelView): ReadonlyMap<string, number[]> {
  if (view.byKey !== undefined) return view.byKey;
  const byKey = new Map<string, number[]>();
  view.served.forEach((p, i) => {
    const list = byKey.get(p.eligibilityKey);
    if (list === undefined) byKey.set(p.eligibilityKey, [i]);
    else list.push(i);
  });
  view.byKey = byKey;
  return byKey;
}

class IncrementalPlanner implements Planner {
  readonly #profiles = new ProfileCache();
  readonly #members = new MemberCaches();
  readonly #components = new ComponentElections();
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
    this.#members.retain(view.served);
    this.#components.retain(view.shared.length);
    return view;
  }

  #fullPlan(view: ModelView, mode: ElectionMode, self: string): Plan {
    const state: PlanState = {
      view,
      mode,
      self,
      ownerAt: new Array<string | undefined>(view.served.length).fill(undefined),
      groupRefusals: new Map(),
      plan: { addresses: [], refused: [], owners: new Map() },
    };
    const owners = new Map<string, string | undefined>();
    const { served, componentOf } = view;
    // Neighbours mostly share an eligibility key (an interned string): its candidates and owners once.
    let key: string | undefined;
    let candidates: readonly Candidate[] = [];
    let keyOwners = new Map<string, string | undefined>();
    for (let i = 0; i < served.length; i++) {
      const p = served[i] as Profile;
      let owner: string | undefined;
      const firstIp = p.ips[0];
      if (componentOf[i] === -1 && firstIp !== undefined) {
        if (p.eligibilityKey !== key) {
          key = p.eligibilityKey;
          candidates = this.#members.candidatesFor(p);
          keyOwners = this.#members.ownersOf(candidates);
        }
        owner = candidates.length === 0 ? undefined : this.#members.owner(candidates, firstIp, keyOwners);
      }
      owners.set(p.key, owner);
      state.ownerAt[i] = owner;
    }
    view.shared.forEach((_, c) => this.#electComponent(state, c, owners));
    state.plan = this.#planOf(state, owners);
    this.#state = state;
    return state.plan;
  }

  #afterLeaving(state: PlanState, change: Extract<MemberChange, { kind: 'left' }>): Plan {
    const { view } = state;
    const changes = new Map<string, string | undefined>();
    const dirty = new Set<number>();
    const affected: number[] = [];
    state.ownerAt.forEach((owner, i) => {
      if (owner !== undefined && change.left.has(owner)) affected.push(i);
    });
    if (change.emptied.length > 0) {
      const byKey = byKeyOf(view);
      for (const key of change.emptied) affected.push(...(byKey.get(key) ?? []));
    }
    for (const i of affected) {
      const component = view.componentOf[i] ?? -1;
      const p = view.served[i];
      if (component !== -1) dirty.add(component);
      else if (p !== undefined) {
        const owner = this.#ownerAlone(p);
        if (owner !== state.ownerAt[i]) changes.set(p.key, owner);
        state.ownerAt[i] = owner;
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
    const members = component.map((at) => {
      const p = view.served[at] as Profile;
      return { key: p.key, ips: p.ips, candidates: this.#members.candidatesFor(p) };
    });
    const { elected, groups } = this.#components.elect(state.mode, members, this.#members.elect);
    const refusals = groups.map((group) => ({
      last: component[group.lastAt] ?? 0,
      refusals: [...group.refusals],
    }));
    state.groupRefusals.set(c, refusals);
    for (const at of component) {
      const { key } = view.served[at] as Profile;
      const owner = elected.get(key);
      if (owner !== state.ownerAt[at] || !owners.has(key)) owners.set(key, owner);
      state.ownerAt[at] = owner;
    }
  }

  /** The plan's refusals in plan()'s order, and this node's addresses in namespace/name order. */
  #planOf(state: PlanState, owners: ReadonlyMap<string, string | undefined>): Plan {
    const { view } = state;
    const groups = [...state.groupRefusals.values()].flat().sort((a, b) => a.last - b.last);
    const refused = [...view.sharingRefusals, ...groups.flatMap((group) => group.refusals)];
    const owned: number[] = [];
    state.ownerAt.forEach((owner, i) => {
      if (owner === state.self) owned.push(i);
    });
    owned.sort((a, b) => compareProfiles(view.served[a] as Profile, view.served[b] as Profile) || a - b);
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
