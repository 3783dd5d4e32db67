/**
 * The incremental planner: the same Plan as plan(), recomputing only what a change can affect.
 *
 * - Per service, what depends neither on the members nor on the advertisements (its IPs and their
 *   pool, its serving nodes) is a profile kept by object identity, or by equal contents after a relist
 *   (planner-profiles.ts). What the advertisements give it (its advertisements per class of member,
 *   its sharing refusal, its eligibility key) is shared by the services of a pool without
 *   serviceSelectors (planner-eligibility.ts): an advertisement edit keeps every profile.
 * - Services with the same eligibility key share one candidates array per member set, and the owner of
 *   each (candidates array, first IP) is kept (planner-members.ts): MetalLB's hashes per (member, IP)
 *   and the ring with each IP's point are kept too. A full plan keeps the owner of a service elected
 *   among the same candidates array as last time, and the last owners map when no owner moved.
 * - When members only leave, only the services they owned (or left without candidates) are elected
 *   again, and the new owners are laid over the previous ones (OwnerMap).
 * - This node's addresses are derived for the services it owns only (about 1 in 100).
 *
 * @example
 *   const planner = createPlanner();
 *   const { addresses } = planner.plan(model, { name: 'node-a', labels: {} }, ['node-a', 'node-b']);
 */
import type { Candidate, Model } from '../config/index.ts';
import type { DesiredAddress } from '../dataplane/index.ts';
import type { ElectionMode } from '../election/index.ts';
import { OwnerMap } from './owner-map.ts';
import type { Refusal } from './plan-groups.ts';
import { ComponentElections } from './planner-components.ts';
import type { Plan, PlanNode, PlanOptions } from './plan.ts';
import { PoolLookup } from './planner-advertise.ts';
import { EligibilityIndex, type Eligibility } from './planner-eligibility.ts';
import { MemberCaches, type MemberChange } from './planner-members.ts';
import { compareProfiles, ProfileCache, sameKeys, type Profile } from './planner-profiles.ts';
import { buildView, byKeyOf, type ModelView } from './planner-served.ts';
import { createEnvironment, environmentHolds, poolsSignature, type Environment } from './planner-view.ts';

export interface Planner {
  /** The plan of plan(model, node, liveMembers, opts), from what the previous calls left. */
  plan(model: Model, node: PlanNode, liveMembers: readonly string[], opts?: PlanOptions): Plan;
}

/** The last plan and what it was made of, for the next one to change only what moved. */
interface PlanState {
  readonly view: ModelView;
  readonly mode: ElectionMode;
  readonly self: string;
  /** The owner of each served service (by index): scanned, not indexed, as scans compare pointers. */
  readonly ownerAt: (string | undefined)[];
  /**
   * Per service standing alone: the candidates array its owner was elected among (with its first IP),
   * so the next full plan keeps that owner when it gets the same array.
   */
  readonly candidatesAt: (readonly Candidate[] | undefined)[];
  /** Per shared component: its groups' refusals, with the index of each group's last service. */
  readonly groupRefusals: Map<number, { last: number; refusals: Refusal[] }[]>;
  plan: Plan;
}

/**
 * The owners of `ownerAt`: the previous plan's map itself when no owner moved, the moves laid over it
 * when the services are the same ones (no 10,000-entry map per plan), else a new map.
 */
function ownersOf(
  view: ModelView,
  ownerAt: readonly (string | undefined)[],
  previous: PlanState | undefined,
): ReadonlyMap<string, string | undefined> {
  const { served } = view;
  if (previous !== undefined && sameKeys(previous.view.served, served)) {
    const changes = new Map<string, string | undefined>();
    for (let i = 0; i < served.length; i++)
      if (ownerAt[i] !== previous.ownerAt[i]) changes.set((served[i] as Profile).key, ownerAt[i]);
    return changes.size === 0 ? previous.plan.owners : OwnerMap.over(previous.plan.owners, changes);
  }
  const owners = new Map<string, string | undefined>();
  for (let i = 0; i < served.length; i++) owners.set((served[i] as Profile).key, ownerAt[i]);
  return owners;
}

class IncrementalPlanner implements Planner {
  readonly #profiles = new ProfileCache();
  readonly #members = new MemberCaches();
  readonly #components = new ComponentElections();
  #pools = { signature: '', lookup: new PoolLookup([]) };
  #env: { env: Environment; index: EligibilityIndex } | undefined;
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
    let current = this.#env;
    if (current === undefined || !environmentHolds(current.env, model, node, opts)) {
      const pools = poolsSignature(model);
      if (pools !== this.#pools.signature)
        this.#pools = { signature: pools, lookup: new PoolLookup(model.pools) };
      const env = createEnvironment(model, node, opts, this.#pools.lookup);
      current = { env, index: new EligibilityIndex(env) };
      this.#env = current;
      this.#members.reset();
    }
    const view = buildView(current.env, current.index, model, opts, this.#profiles, previous);
    if (view === previous) return view;
    this.#view = view;
    this.#members.retain(view.served, view.eligibility);
    this.#components.retain(view.shared.length);
    return view;
  }

  #fullPlan(view: ModelView, mode: ElectionMode, self: string): Plan {
    const { served, eligibility, componentOf } = view;
    const previous = this.#state;
    // Owners elected among the same candidates array for the same first IP are kept as they were.
    const before = previous?.mode === mode ? previous : undefined;
    const state: PlanState = {
      view,
      mode,
      self,
      ownerAt: new Array<string | undefined>(served.length).fill(undefined),
      candidatesAt: new Array<readonly Candidate[] | undefined>(served.length).fill(undefined),
      groupRefusals: new Map(),
      plan: { addresses: [], refused: [], owners: new Map() },
    };
    // Neighbours mostly share an eligibility key (an interned string): its candidates and owners once.
    let key: string | undefined;
    let candidates: readonly Candidate[] = [];
    let keyOwners: Map<string, string | undefined> | undefined;
    for (let i = 0; i < served.length; i++) {
      const p = served[i] as Profile;
      const e = eligibility[i] as Eligibility;
      const firstIp = p.ips[0];
      if (componentOf[i] !== -1 || firstIp === undefined) continue;
      if (e.key !== key) {
        key = e.key;
        candidates = this.#members.candidatesFor(p, e);
        keyOwners = undefined;
      }
      if (candidates.length === 0) continue;
      state.candidatesAt[i] = candidates;
      if (before?.candidatesAt[i] === candidates && before.view.served[i]?.ips[0] === firstIp) {
        state.ownerAt[i] = before.ownerAt[i];
        continue;
      }
      keyOwners ??= this.#members.ownersOf(candidates);
      state.ownerAt[i] = this.#members.owner(candidates, firstIp, keyOwners);
    }
    view.shared.forEach((_, c) => this.#electComponent(state, c));
    state.plan = this.#planOf(state, ownersOf(view, state.ownerAt, previous));
    this.#state = state;
    return state.plan;
  }

  #afterLeaving(state: PlanState, change: Extract<MemberChange, { kind: 'left' }>): Plan {
    const { view } = state;
    const changes = new Map<string, string | undefined>();
    const dirty = new Set<number>();
    const affected: number[] = [];
    const { ownerAt } = state;
    for (let i = 0; i < ownerAt.length; i++) {
      const owner = ownerAt[i];
      if (owner !== undefined && change.left.has(owner)) affected.push(i);
    }
    if (change.emptied.length > 0) {
      const byKey = byKeyOf(view);
      for (const key of change.emptied) affected.push(...(byKey.get(key) ?? []));
    }
    for (const i of affected) {
      const component = view.componentOf[i] ?? -1;
      const p = view.served[i];
      const e = view.eligibility[i];
      if (component !== -1) dirty.add(component);
      else if (p !== undefined && e !== undefined) {
        const candidates = this.#members.candidatesFor(p, e);
        const firstIp = p.ips[0];
        const owner =
          firstIp === undefined || candidates.length === 0
            ? undefined
            : this.#members.owner(candidates, firstIp);
        if (owner !== state.ownerAt[i]) changes.set(p.key, owner);
        state.ownerAt[i] = owner;
        state.candidatesAt[i] = owner === undefined ? undefined : candidates;
      }
    }
    for (const c of dirty) this.#electComponent(state, c, changes);
    const owners = changes.size === 0 ? state.plan.owners : OwnerMap.over(state.plan.owners, changes);
    state.plan = this.#planOf(state, owners);
    return state.plan;
  }

  /** Elects the groups of a shared component, sets their owners in the state, and any move in `moves`. */
  #electComponent(state: PlanState, c: number, moves?: Map<string, string | undefined>): void {
    const { view } = state;
    const component = view.shared[c] ?? [];
    const members = component.map((at) => {
      const p = view.served[at] as Profile;
      return {
        key: p.key,
        ips: p.ips,
        candidates: this.#members.candidatesFor(p, view.eligibility[at] as Eligibility),
      };
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
      if (owner !== state.ownerAt[at]) moves?.set(key, owner);
      state.ownerAt[at] = owner;
    }
  }

  /** The plan's refusals in plan()'s order, and this node's addresses in namespace/name order. */
  #planOf(state: PlanState, owners: ReadonlyMap<string, string | undefined>): Plan {
    const { view } = state;
    const groups = [...state.groupRefusals.values()].flat().sort((a, b) => a.last - b.last);
    const refused = [...view.sharingRefusals, ...groups.flatMap((group) => group.refusals)];
    const owned: number[] = [];
    const { ownerAt, self } = state;
    for (let i = 0; i < ownerAt.length; i++) if (ownerAt[i] === self) owned.push(i);
    owned.sort((a, b) => compareProfiles(view.served[a] as Profile, view.served[b] as Profile) || a - b);
    const advertiser = view.env.advertisers[view.env.selfClass];
    const addresses: DesiredAddress[] = owned.flatMap((i) => {
      const p = view.served[i] as Profile;
      const advertised = advertiser?.announce(p.svc, p.home);
      if (advertised === undefined) return [];
      const { ips, interfaces } = advertised.service;
      return ips.map((ip) => ({ ip, interfaces, service: p.key }));
    });
    return { addresses, refused, owners };
  }
}

/** A planner keeping what it derived between calls; one per speaker (it holds no I/O). */
export function createPlanner(): Planner {
  return new IncrementalPlanner();
}
