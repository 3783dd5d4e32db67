/**
 * The composition root for standalone mode: config file + live members -> plan -> data plane, with the
 * HTTP endpoints beside it. Without memberlist this node is the only member, so it owns every advertised
 * address.
 */
import { loadConfigFile, watchConfig } from '../config/index.ts';
import { chooseMode, modeChange, type ElectionMode } from '../election/index.ts';
import { Dataplane, readInterfaces, systemClock, type DesiredAddress } from '../dataplane/index.ts';
import { createMetrics, startHttpServer, type FrameCount } from '../metrics/index.ts';
import { openGroupMemberships, openResponder } from '../native/index.ts';
import { memberlistCluster, soloCluster } from './cluster.ts';
import type { SpeakerOptions } from './options.ts';
import { plan } from './plan.ts';
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

function serviceStatus(dataplane: Dataplane, desired: readonly DesiredAddress[]): ServiceStatus[] {
  const bindings = dataplane.bindings();
  const byService = new Map<string, DesiredAddress[]>();
  for (const address of desired)
    byService.set(address.service, [...(byService.get(address.service) ?? []), address]);
  return [...byService].map(([service, addresses]) => {
    const [namespace = '', name = ''] = service.split('/');
    const ips = addresses.map((a) => a.ip);
    const interfaces = new Set(bindings.filter((b) => ips.includes(b.ip)).map((b) => b.ifname));
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
  let model = loadConfigFile(options.config);
  // What this node asks of the others (node meta): auto and ring both mean ring while all agree.
  const ownMode = options.election === 'metallb' ? 'metallb' : 'ring';
  const cluster = options.memberlist
    ? await memberlistCluster(
        options.nodeName,
        options.memberlist,
        ownMode,
        logger.child({ component: 'memberlist' }),
      )
    : soloCluster(options.nodeName, ownMode);
  const metrics = createMetrics();
  const dataplane = new Dataplane({
    native: { openResponder, openGroupMemberships },
    readInterfaces,
    clock: systemClock,
    logger: logger.child({ component: 'dataplane' }),
    events: {
      announced: (ip, ifname, kind) => {
        metrics.announcementsTotal.inc({ ip, interface: ifname, kind });
        metrics.layer2GratuitousSent.inc({ ip });
      },
      conflict: (ip, ifname) => metrics.conflictsTotal.inc({ ip, interface: ifname }),
    },
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
    const result = plan(
      model,
      { name: options.nodeName, labels: options.nodeLabels },
      members.map((m) => m.name),
      { mode, ignoreExcludeLb: options.ignoreExcludeLb },
    );
    // Logged when the set of refusals changes, not on every replan.
    const refused = JSON.stringify(result.refused);
    if (refused !== refusals && result.refused.length > 0)
      logger.warn('services not announced', { refused: result.refused });
    refusals = refused;
    desired = result.addresses;
    dataplane.apply(desired);
    metrics.setAnnounced(options.nodeName, desired);
  };
  cluster.onChange(replan);
  cluster.onRejoin((name) => {
    logger.info('member back: re-announcing the addresses this node answers', { member: name });
    dataplane.reannounce();
  });
  void cluster.synced.then(() => {
    synced = true;
    replan();
  });

  const watcher = watchConfig(options.config, {
    onChange: (next) => {
      logger.info('configuration reloaded', { file: options.config });
      metrics.configReloadsTotal.inc({ result: 'ok' });
      model = next;
      replan();
    },
    onError: (err) => {
      logger.error('configuration rejected, keeping the last good one', err);
      metrics.configReloadsTotal.inc({ result: 'error' });
    },
  });

  const server = await startHttpServer({
    host: options.metricsBindAddress,
    port: options.metricsPort,
    registry: metrics.registry,
    ready: () => synced && !stopping,
    beforeScrape: () => {
      metrics.setFrameCounts(frameCounts(dataplane.counters()));
      metrics.setLayer2Counts(dataplane.addressCounters());
    },
    status: () => ({
      node: options.nodeName,
      election: mode,
      members: cluster.members(),
      services: serviceStatus(dataplane, desired),
    }),
  });
  logger.info('speaker started', { node: options.nodeName, config: options.config, httpPort: server.port });

  return {
    httpPort: server.port,
    async stop() {
      stopping = true;
      watcher.close();
      dataplane.close();
      await cluster.leave();
      await server.close();
      logger.info('speaker stopped');
    },
  };
}
