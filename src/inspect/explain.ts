/**
 * Why each node does or does not announce a service (pure): the same rules as the plan (src/config
 * eligibility, src/election), but keeping the reasons the plan throws away.
 */
import {
  EXCLUDE_LB_LABEL,
  advertisementOnNode,
  eligibility,
  ipInPool,
  memberLabels,
  servedHere,
  servingNodes,
  sharingRefusal,
  type Model,
  type Service,
} from '../config/index.ts';
import { electOwner, preference, type ElectionMode } from '../election/index.ts';

export type ReasonCode =
  | 'not-live-member'
  | 'network-unavailable'
  | 'excluded-label'
  | 'node-selector'
  | 'no-endpoint'
  | 'interface-missing'
  | 'lost-election'
  | 'other';

export interface Reason {
  readonly code: ReasonCode;
  readonly detail: string;
}

export interface NodeExplanation {
  readonly node: string;
  /** May announce the service (passes every rule and is a live member). */
  readonly eligible: boolean;
  readonly owner: boolean;
  /** Every rule the node fails; for the owner at most 'interface-missing' (it announces nowhere). */
  readonly reasons: readonly Reason[];
}

export interface Explanation {
  /** "namespace/name". */
  readonly service: string;
  readonly ips: readonly string[];
  readonly mode: ElectionMode;
  /** Why no node may announce the service at all, when that is so. */
  readonly serviceProblem: string | undefined;
  readonly owner: string | undefined;
  readonly nodes: readonly NodeExplanation[];
}

export interface ExplainMember {
  readonly name: string;
  /** memberlist state: alive and suspect are live; dead and left are not. */
  readonly state: string;
}

export interface ExplainOptions {
  readonly mode: ElectionMode;
  readonly ignoreExcludeLb?: boolean;
  readonly loadBalancerClass?: string;
  /**
   * Interfaces known to exist on some nodes; a node listed here whose advertisement names only
   * interfaces it lacks is explained as 'interface-missing'.
   */
  readonly interfaces?: ReadonlyMap<string, readonly string[]>;
}

/** The service is not in the model. */
export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
  readonly service: string;
  constructor(service: string) {
    super(`service ${service} is not in the model`);
    this.service = service;
  }
}

const isLive = (state: string): boolean => state === 'alive' || state === 'suspect';

function serviceProblem(model: Model, svc: Service, opts: ExplainOptions): string | undefined {
  if (svc.spec.type !== 'LoadBalancer') return `type is ${svc.spec.type}, not LoadBalancer`;
  if (!servedHere(svc, opts)) {
    const wanted = opts.loadBalancerClass ?? '(none)';
    return `loadBalancerClass ${svc.spec.loadBalancerClass ?? '(none)'} is not the class served (${wanted})`;
  }
  if (svc.status.ingressIPs.length === 0) return 'no IP in status.loadBalancer.ingress';
  if (!svc.status.ingressIPs.some((ip) => model.pools.some((pool) => ipInPool(pool, ip))))
    return `no IP (${svc.status.ingressIPs.join(', ')}) lies in an IPAddressPool`;
  const refusal = sharingRefusal(model, svc);
  if (refusal !== undefined) return refusal;
  if (servingNodes(model, svc) === undefined) return 'no endpoint can serve (none ready or serving)';
  return undefined;
}

function nodeReasons(
  model: Model,
  svc: Service,
  node: string,
  state: string | undefined,
  opts: ExplainOptions,
): Reason[] {
  const reasons: Reason[] = [];
  if (state === undefined || !isLive(state))
    reasons.push({ code: 'not-live-member', detail: state === undefined ? 'not in memberlist' : state });
  if (model.nodes.some((n) => n.metadata.name === node && n.status.networkUnavailable))
    reasons.push({ code: 'network-unavailable', detail: 'Node condition NetworkUnavailable is True' });
  const labels = memberLabels(model, node);
  if (opts.ignoreExcludeLb !== true && Object.hasOwn(labels, EXCLUDE_LB_LABEL))
    reasons.push({ code: 'excluded-label', detail: `labelled ${EXCLUDE_LB_LABEL}` });
  const advertised = advertisementOnNode(model, { name: node, labels }, svc, opts);
  if (advertised === undefined) {
    reasons.push({ code: 'node-selector', detail: 'no L2Advertisement for its IPs selects this node' });
  } else {
    const known = opts.interfaces?.get(node);
    const wanted = advertised.service.interfaces;
    if (known !== undefined && wanted !== undefined && !wanted.some((name) => known.includes(name)))
      reasons.push({ code: 'interface-missing', detail: `none of ${wanted.join(', ')} exists here` });
  }
  const serving = servingNodes(model, svc);
  const local = svc.spec.externalTrafficPolicy === 'Local' && serving !== 'anywhere';
  if (local && serving !== undefined && !serving.has(node))
    reasons.push({ code: 'no-endpoint', detail: 'externalTrafficPolicy Local and no serving endpoint here' });
  return reasons;
}

/**
 * For the service "namespace/name": every node the model or the members know, whether it may announce
 * the service and why not, and the owner the election picks among the eligible live members.
 * @throws UnknownServiceError when the model has no such service.
 */
export function explain(
  model: Model,
  service: string,
  members: readonly ExplainMember[],
  opts: ExplainOptions,
): Explanation {
  const svc = model.services.find((s) => `${s.metadata.namespace}/${s.metadata.name}` === service);
  if (svc === undefined) throw new UnknownServiceError(service);
  const states = new Map(members.map((m) => [m.name, m.state]));
  const names = [...new Set([...model.nodes.map((n) => n.metadata.name), ...states.keys()])].sort();
  const problem = serviceProblem(model, svc, opts);
  const live = members.filter((m) => isLive(m.state)).map((m) => m.name);
  const candidates = problem === undefined ? eligibility(model, live, opts)(svc) : [];
  const perNode = names.map((node) => ({
    node,
    reasons: nodeReasons(model, svc, node, states.get(node), opts),
  }));
  // A missing interface does not change the election (the plan does not see interfaces): the owner
  // stays the owner and announces on no interface, which is what the reason then tells.
  const blocking = (reasons: readonly Reason[]) => reasons.some((r) => r.code !== 'interface-missing');
  const usable = candidates.filter((c) => perNode.some((n) => n.node === c.name && !blocking(n.reasons)));
  const firstIp = svc.status.ingressIPs[0];
  const owner = firstIp === undefined ? undefined : electOwner(opts.mode, usable, firstIp);
  const ranking = firstIp === undefined ? [] : preference(opts.mode, usable, firstIp);
  const nodes = perNode.map(({ node, reasons }): NodeExplanation => {
    const eligible = usable.some((c) => c.name === node);
    if (eligible && node !== owner) {
      const detail = `${owner ?? 'another node'} is preferred (${opts.mode} rank ${ranking.indexOf(node) + 1} of ${ranking.length})`;
      return { node, eligible, owner: false, reasons: [...reasons, { code: 'lost-election', detail }] };
    }
    if (!eligible && !blocking(reasons)) {
      const detail = problem ?? 'not eligible by the configuration rules';
      return { node, eligible, owner: false, reasons: [...reasons, { code: 'other', detail }] };
    }
    return { node, eligible, owner: eligible && node === owner, reasons };
  });
  return { service, ips: svc.status.ingressIPs, mode: opts.mode, serviceProblem: problem, owner, nodes };
}
