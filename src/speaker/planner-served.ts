/**
 * The planner's view of one model: its served services (profiles), the eligibility of each in the
 * environment, and the components of those sharing IPs. A new view reuses what the previous one had
 * when the services, their slices or their IPs are the same: an advertisement edit costs a lookup of
 * each service's eligibility, a service edit the profile of that service.
 */
import type { EndpointSlice, Model, Service } from '../config/index.ts';
import { groupBySharedIps, type Refusal } from './plan-groups.ts';
import type { PlanOptions } from './plan.ts';
import type { Eligibility, EligibilityIndex } from './planner-eligibility.ts';
import { ProfileCache, servedServices, slicesByService, type Profile } from './planner-profiles.ts';
import type { Environment } from './planner-view.ts';

/** The served services of one model, and the components of those sharing IPs. */
export interface ModelView {
  /** The last model seen with these served services (a snapshot equal for planning replaces it). */
  model: Model;
  readonly env: Environment;
  /** servedServices() and the EndpointSlices the profiles were made from. */
  readonly services: readonly Service[];
  readonly sliceList: readonly EndpointSlice[];
  readonly served: readonly Profile[];
  /** Per served service, in the environment. */
  readonly eligibility: readonly Eligibility[];
  /** Components of two or more services that could contend (linked by shared IPs), as indices in served. */
  readonly shared: readonly (readonly number[])[];
  /** Per served service: its index in `shared`, or -1 when it stands alone. */
  readonly componentOf: Int32Array;
  readonly sharingRefusals: readonly Refusal[];
  /** Served services by eligibility key, made when first asked (a member leaving). */
  byKey: ReadonlyMap<string, number[]> | undefined;
}

const contends = (e: Eligibility): boolean => e.key !== 'none';

/** The components of services sharing IPs: the previous view's when every service has the same IPs. */
function sharedComponents(
  served: readonly Profile[],
  eligibility: readonly Eligibility[],
  previous: ModelView | undefined,
): Pick<ModelView, 'shared' | 'componentOf'> {
  const before = previous?.served;
  const kept =
    previous !== undefined &&
    before?.length === served.length &&
    served.every((p, i) => {
      const old = before[i] as Profile;
      return (
        old.ips === p.ips &&
        contends(previous.eligibility[i] as Eligibility) === contends(eligibility[i] as Eligibility)
      );
    });
  if (kept) return previous;
  const indexed = served.flatMap((p, at) =>
    contends(eligibility[at] as Eligibility) ? [{ ips: p.ips, at }] : [],
  );
  const shared = groupBySharedIps(indexed)
    .filter((component) => component.length > 1)
    .map((component) => component.map(({ at }) => at));
  const componentOf = new Int32Array(served.length).fill(-1);
  shared.forEach((component, c) => component.forEach((at) => (componentOf[at] = c)));
  return { shared, componentOf };
}

/** The profiles of the model's served services: the previous view's when services and slices are its. */
function profilesOf(
  env: Environment,
  model: Model,
  services: readonly Service[],
  profiles: ProfileCache,
  previous: ModelView | undefined,
): readonly Profile[] {
  const same =
    previous?.services === services &&
    previous.sliceList === model.endpointSlices &&
    previous.env.lookup === env.lookup;
  if (same) return previous.served;
  const slices = slicesByService(model);
  const served = services.map((svc) => profiles.profileOf(env.lookup, model, svc, slices));
  profiles.retain(served);
  return served;
}

/** The view of `model` in `env` (`index` is env's), or `previous` when nothing it holds changed. */
export function buildView(
  env: Environment,
  index: EligibilityIndex,
  model: Model,
  opts: PlanOptions,
  profiles: ProfileCache,
  previous: ModelView | undefined,
): ModelView {
  const services = servedServices(model, opts);
  const served = profilesOf(env, model, services, profiles, previous);
  const sameProfiles =
    previous !== undefined &&
    (previous.served === served ||
      (previous.served.length === served.length && previous.served.every((p, i) => p === served[i])));
  if (sameProfiles && previous.env === env) {
    previous.model = model;
    return previous;
  }
  const eligibility = served.map((p) => index.of(p));
  const { shared, componentOf } = sharedComponents(served, eligibility, previous);
  const sharingRefusals: Refusal[] = [];
  eligibility.forEach((e, i) => {
    if (e.refusal !== undefined)
      sharingRefusals.push({ service: (served[i] as Profile).key, reason: e.refusal });
  });
  const sliceList = model.endpointSlices;
  return {
    model,
    env,
    services,
    sliceList,
    served,
    eligibility,
    shared,
    componentOf,
    sharingRefusals,
    byKey: undefined,
  };
}

/** Served services (indices) by eligibility key. */
export function byKeyOf(view: ModelView): ReadonlyMap<string, number[]> {
  if (view.byKey !== undefined) return view.byKey;
  const byKey = new Map<string, number[]>();
  view.eligibility.forEach((e, i) => {
    const list = byKey.get(e.key);
    if (list === undefined) byKey.set(e.key, [i]);
    else list.push(i);
  });
  view.byKey = byKey;
  return byKey;
}
