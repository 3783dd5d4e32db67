/**
 * The composition root: model (standalone file or Kubernetes informers) + live members -> plan -> data
 * plane (and status in Kubernetes mode), with the HTTP endpoints beside it.
 */
import { chooseMode, modeChange, type ElectionMode } from '../election/index.ts';
import {
  Dataplane,
  DEFAULT_DATAPLANE_OPTIONS,
  readInterfaces,
  systemClock,
  type DesiredAddress,
} from '../dataplane/index.ts';
import { createMetrics, startHttpServer, type FrameCount } from '../metrics/index.ts';
import { openGroupMemberships, openResponder } from '../native/index.ts';
import { standaloneInputs } from './inputs.ts';
import type { SpeakerOptions } from './options.ts';
import { HeapSettler, type GcFunction } from './heap-settler.ts';
import { createPlanner } from './planner.ts';
import type winston from 'winston';

export interface Speaker {
  /** Stops answering first (so the next owner is not contradicted), then closes the HTTP server. */
  stop(): Promise<void>;
  readonly httpPort: number;
}

interface ServiceStatus {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly interfaces: readonly string[];
}

/** The interfaces answering for each IP. */
function interfacesByIp(dataplane: Dataplane): Map<string, Set<string>> {
  const byIp = new Map<string, Set<string>>();
  for (const binding of dataplane.bindings())
    byIp.set(binding.ip, (byIp.get(binding.ip) ?? new Set()).add(binding.ifname));
  return byIp;
}

/** Per owned service, the interfaces answering for one of its IPs. */
function ownedInterfaces(dataplane: Dataplane, desired: readonly DesiredAddress[]): Map<string, string[]> {
  const byIp = interfacesByIp(dataplane);
  const result = new Map<string, string[]>();
  for (const address of desired) {
    const names = new Set([...(result.get(address.service) ?? []), ...(byIp.get(address.ip) ?? [])]);
    result.set(address.service, [...names].sort());
  }
  return result;
}

/** Per owned service, its IPs and the interfaces answering for them: one pass over each list. */
function serviceStatus(dataplane: Dataplane, desired: readonly DesiredAddress[]): ServiceStatus[] {
  const byIp = interfacesByIp(dataplane);
  const byService = new Map<string, { ips: string[]; interfaces: Set<string> }>();
  for (const address of desired) {
    let entry = byService.get(address.service);
    if (entry === undefined) {
      entry = { ips: [], interfaces: new Set() };
      byService.set(address.service, entry);
    }
    entry.ips.push(address.ip);
    for (const ifname of byIp.get(address.ip) ?? []) entry.interfaces.add(ifname);
  }
  return [...byService].map(([service, { ips, interfaces }]) => {
    const [namespace = '', name = ''] = service.split('/');
    return { namespace, name, ips, interfaces: [...interfaces].sort() };
  });
}

/** Verdicts of docs/verdict.md that are replies and conflicts; every other reason is an ignored frame. */
const REPLY_REASONS = new Set(['arp-request', 'arp-probe', 'ns-multicast', 'ns-unicast', 'ns-dad']);

function frameCounts(counters: Record<string, Record<string, number>>): FrameCount[] {
  return Object.entries(counters).flatMap(([ifname, byReason]) =>
    Object.entries(byReason).map(([reason, count]) => ({
      interface: ifname,
      verdict: REPLY_REASONS.has(reason) ? 'reply' : reason === 'conflict' ? 'conflict' : 'ignore',
      reason,
      count,
    })),
  );
}

export async function startSpeaker(options: SpeakerOptions, logger: winston.Logger): Promise<Speaker> {
  const metrics = createMetrics();
  const inputs =
    options.config !== undefined
      ? await standaloneInputs(options.config, options, logger, metrics)
      : // Loaded only here: its client library costs a standalone speaker tens of MB it never uses.
        await (await import('./kubernetes.ts')).kubernetesInputs(options, logger);
  const { cluster } = inputs;
  const planner = createPlanner();
  const dataplane = new Dataplane(
    {
      native: { openResponder, openGroupMemberships },
      // MetalLB's excludel2: an excluded interface is never used, even when an L2Advertisement names it.
      readInterfaces: () => readInterfaces().filter((iface) => !inputs.excludesInterface(iface.name)),
      clock: systemClock,
      logger: logger.child({ component: 'dataplane' }),
      events: {
        announced: (ip, ifname, kind) => {
          metrics.announcementsTotal.inc({ interface: ifname, kind });
          metrics.layer2GratuitousSent.inc({ ip });
        },
        conflict: (ip, ifname) => metrics.conflictsTotal.inc({ ip, interface: ifname }),
      },
    },
    { ...DEFAULT_DATAPLANE_OPTIONS, announceRate: options.announceRate },
  );
  const heap = new HeapSettler((globalThis as { gc?: GcFunction }).gc, {
    clock: systemClock,
    busy: () => dataplane.announceCounters().queued > 0,
    logger,
  });
  let desired: DesiredAddress[] = [];
  // A starting speaker announces nothing until membership is synced: it never claims what it does not own.
  let synced = false;
  let stopping = false;
  let mode: ElectionMode | undefined;
  let refusals = '';
  const replan = (): void => {
    try {
      applyPlan();
    } catch (err) {
      // Runs from membership events and reloads: report it and keep answering what is applied.
      logger.error('planning failed; the data plane keeps its current addresses', err);
    }
  };
  const applyPlan = (): void => {
    if (!synced || stopping) return;
    const members = cluster.liveMembers();
    const nextMode = chooseMode(options.election, members);
    const change = modeChange(mode, nextMode);
    if (change) logger.warn('election mode switched', change);
    mode = nextMode;
    metrics.setElectionMode(mode);
    const liveMembers = members.map((m) => m.name);
    const result = planner.plan(
      inputs.model(),
      { name: options.nodeName, labels: options.nodeLabels },
      liveMembers,
      {
        mode,
        ignoreExcludeLb: options.ignoreExcludeLb,
        loadBalancerClass: options.loadBalancerClass,
      },
    );
    // Logged when the set of refusals changes, not on every replan.
    const refused = JSON.stringify(result.refused);
    if (refused !== refusals && result.refused.length > 0)
      logger.warn('services not announced', { refused: result.refused });
    refusals = refused;
    desired = result.addresses;
    heap.noteChanges(dataplane.apply(desired));
    metrics.observeOwners(options.nodeName, result.owners, performance.now());
    inputs.afterApply({ result, interfaces: ownedInterfaces(dataplane, desired), liveMembers });
  };
  cluster.onChange((member) => {
    // Before the replan that reacts to it, so the takeover time is measured from this event.
    if (member !== undefined) metrics.memberState(member.name, member.state, performance.now());
    replan();
  });
  cluster.onRejoin((name) => {
    logger.info('member back: re-announcing the addresses this node answers', { member: name });
    dataplane.reannounce();
  });
  inputs.onModel(replan);
  // Nothing is announced before both the members and the model are known.
  void Promise.all([cluster.synced, inputs.ready]).then(() => {
    synced = true;
    heap.settleNow();
    replan();
  });

  const server = await startHttpServer({
    host: options.metricsBindAddress,
    port: options.metricsPort,
    registry: metrics.registry,
    ready: () => synced && !stopping,
    beforeScrape: () => {
      // At the scrape, not in the plan: 10,000 series cost ~20 ms, which a failover should not wait for.
      metrics.setAnnounced(options.nodeName, desired);
      metrics.setFrameCounts(frameCounts(dataplane.counters()));
      metrics.setLayer2Counts(dataplane.addressCounters());
      metrics.setMembers(cluster.members());
      const statusStats = inputs.statusStats();
      if (statusStats !== undefined) metrics.setStatusStats(statusStats);
    },
    status: () => ({
      // First, before this answer's own garbage (10,000 services make a few MB of JSON).
      memory: process.memoryUsage(),
      node: options.nodeName,
      ...inputs.describe(),
      election: mode,
      members: cluster.members(),
      services: serviceStatus(dataplane, desired),
    }),
  });
  logger.info('speaker started', {
    node: options.nodeName,
    mode: options.config === undefined ? 'kubernetes' : 'standalone',
    config: options.config,
    httpPort: server.port,
  });

  return {
    httpPort: server.port,
    async stop() {
      stopping = true;
      heap.close();
      dataplane.stopAnswering();
      await inputs.close();
      dataplane.close();
      await server.close();
      logger.info('speaker stopped');
    },
  };
}
