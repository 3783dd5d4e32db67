/**
 * The composition root for standalone mode: config file -> model -> this node's addresses -> data plane,
 * with the HTTP endpoints beside it. Without memberlist this node is the only member, so it owns every
 * advertised address.
 */
import { advertisedServices, loadConfigFile, watchConfig, type Model } from '../config/index.ts';
import { Dataplane, readInterfaces, systemClock, type DesiredAddress } from '../dataplane/index.ts';
import { createMetrics, startHttpServer, type FrameCount } from '../metrics/index.ts';
import { openGroupMemberships, openResponder } from '../native/index.ts';
import type { SpeakerOptions } from './options.ts';
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

function desiredAddresses(model: Model, options: SpeakerOptions): DesiredAddress[] {
  return advertisedServices(model, { name: options.nodeName, labels: { ...options.nodeLabels } }).flatMap(
    (service) =>
      service.ips.map((ip) => ({
        ip,
        interfaces: service.interfaces,
        service: `${service.namespace}/${service.name}`,
      })),
  );
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
  const apply = (next: Model): void => {
    model = next;
    desired = desiredAddresses(model, options);
    dataplane.apply(desired);
    metrics.setAnnounced(options.nodeName, desired);
  };
  apply(model);

  const watcher = watchConfig(options.config, {
    onChange: (next) => {
      logger.info('configuration reloaded', { file: options.config });
      metrics.configReloadsTotal.inc({ result: 'ok' });
      apply(next);
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
    ready: () => true,
    beforeScrape: () => {
      metrics.setFrameCounts(frameCounts(dataplane.counters()));
      metrics.setLayer2Counts(dataplane.addressCounters());
    },
    status: () => ({
      node: options.nodeName,
      members: [{ name: options.nodeName, addr: options.metricsBindAddress, state: 'alive' }],
      services: serviceStatus(dataplane, desired),
    }),
  });
  logger.info('speaker started', { node: options.nodeName, config: options.config, httpPort: server.port });

  return {
    httpPort: server.port,
    async stop() {
      watcher.close();
      dataplane.close();
      await server.close();
      logger.info('speaker stopped');
    },
  };
}
