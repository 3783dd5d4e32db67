/** The speaker's Prometheus metrics: MetalLB's names and labels, plus l2speaker's own. */
import { Counter, Gauge, Registry } from 'prom-client';
import { createOwnershipMetrics, type OwnershipMetrics } from './ownership.ts';

/** One native frame counter: how many frames of an interface got a verdict for a reason. */
export interface FrameCount {
  readonly interface: string;
  readonly verdict: string;
  readonly reason: string;
  /** Absolute count since the interface's socket was opened. */
  readonly count: number;
}

/** Absolute per-IP counts kept by the native responder. */
export interface Layer2Count {
  readonly ip: string;
  readonly requestsReceived: number;
  readonly responsesSent: number;
}

/** One service IP announced from this node. */
export interface AnnouncedIp {
  /** 'namespace/name', as MetalLB labels it. */
  readonly service: string;
  readonly ip: string;
}

/** The ServiceL2Status publisher's counters (src/status stats()), as plain data. */
export interface StatusStatsLike {
  /** Absolute counts of writes by verb (create, patchStatus, delete, event), then by outcome. */
  readonly writes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly breakerOpen: boolean;
  readonly queueDepth: number;
}

export interface Metrics extends OwnershipMetrics {
  readonly registry: Registry;
  readonly layer2RequestsReceived: Counter<'ip'>;
  readonly layer2ResponsesSent: Counter<'ip'>;
  readonly layer2GratuitousSent: Counter<'ip'>;
  readonly speakerAnnounced: Gauge<'ip' | 'node' | 'protocol' | 'service'>;
  readonly framesTotal: Counter<'interface' | 'verdict' | 'reason'>;
  readonly configReloadsTotal: Counter<'result'>;
  readonly conflictsTotal: Counter<'ip' | 'interface'>;
  readonly announcementsTotal: Counter<'interface' | 'kind'>;
  readonly statusWritesTotal: Counter<'operation' | 'outcome'>;
  readonly statusBreakerOpen: Gauge;
  readonly statusQueueDepth: Gauge;
  /**
   * Feeds l2speaker_status_writes_total{operation, outcome} (from absolute counts),
   * l2speaker_status_breaker_open and l2speaker_status_queue_depth from the publisher's stats().
   */
  setStatusStats(stats: StatusStatsLike): void;
  /** Feeds l2speaker_frames_total from a snapshot of the native counters (absolute values). */
  setFrameCounts(snapshot: readonly FrameCount[]): void;
  /** Feeds metallb_layer2_requests_received / responses_sent from native per-IP counts. */
  setLayer2Counts(snapshot: readonly Layer2Count[]): void;
  /**
   * Replaces metallb_speaker_announced with exactly these IPs (value 1, protocol "layer2"); the same
   * array as last time (the same plan, unchanged since) is a no-op.
   */
  setAnnounced(node: string, announced: readonly AnnouncedIp[]): void;
}

/**
 * Turns absolute counts into counter increments, so Prometheus counters only ever increase. A
 * count below the last one seen means the source restarted (e.g. a socket was reopened): its whole
 * value is then new. `keyOf` names a series compactly (the per-IP feeds see 10,000 of them); a series
 * that has only ever counted 0 is not remembered.
 */
function absoluteFeeder<T extends string>(
  counter: Counter<T>,
  keyOf: (labels: Record<T, string>) => string,
): (labels: Record<T, string>, count: number) => void {
  const last = new Map<string, number>();
  return (labels, count) => {
    const key = keyOf(labels);
    const previous = last.get(key);
    if (previous === undefined && count === 0) return;
    const delta = count >= (previous ?? 0) ? count - (previous ?? 0) : count;
    last.set(key, count);
    if (delta > 0) counter.inc(labels, delta);
  };
}

const byIp = (labels: Record<'ip', string>): string => labels.ip;
const byAllLabels = (labels: Record<string, string>): string => Object.values(labels).join('\n');

/** Creates and registers the metrics on `registry` (a fresh one by default). */
export function createMetrics(registry: Registry = new Registry()): Metrics {
  const registers = [registry];
  const ipCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['ip'], registers });
  const layer2RequestsReceived = ipCounter(
    'metallb_layer2_requests_received',
    'Number of layer2 requests received for owned IPs',
  );
  const layer2ResponsesSent = ipCounter(
    'metallb_layer2_responses_sent',
    'Number of layer2 responses sent for owned IPs in response to requests',
  );
  const layer2GratuitousSent = ipCounter(
    'metallb_layer2_gratuitous_sent',
    'Number of gratuitous layer2 packets sent for owned IPs as a result of failovers',
  );
  let lastAnnounced: readonly AnnouncedIp[] | undefined;
  const speakerAnnounced = new Gauge({
    name: 'metallb_speaker_announced',
    help: 'Services being announced from this node. This is desired state, it does not guarantee that the routing protocols have converged.',
    labelNames: ['ip', 'node', 'protocol', 'service'],
    registers,
  });
  const framesTotal = new Counter({
    name: 'l2speaker_frames_total',
    help: 'Frames received by the responder, by interface, verdict (reply, conflict, ignore) and reason',
    labelNames: ['interface', 'verdict', 'reason'],
    registers,
  });
  const configReloadsTotal = new Counter({
    name: 'l2speaker_config_reloads_total',
    help: 'Configuration reloads, by result (ok, error)',
    labelNames: ['result'],
    registers,
  });
  const conflictsTotal = new Counter({
    name: 'l2speaker_conflicts_total',
    help: 'Frames in which another MAC claimed an IP this node owns',
    labelNames: ['ip', 'interface'],
    registers,
  });
  const announcementsTotal = new Counter({
    name: 'l2speaker_announcements_total',
    // No ip label: metallb_layer2_gratuitous_sent has it; 10,000 IPs x 4 kinds would be 40,000 series.
    help: 'Unsolicited announcements sent (gratuitous ARP, unsolicited NA), by interface and kind',
    labelNames: ['interface', 'kind'],
    registers,
  });

  const statusWritesTotal = new Counter({
    name: 'l2speaker_status_writes_total',
    help: 'ServiceL2Status and Event writes, by operation (create, patchStatus, delete, event) and outcome',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const statusBreakerOpen = new Gauge({
    name: 'l2speaker_status_breaker_open',
    help: 'The API server circuit breaker of the status writer is open (1): the server is unreachable',
    registers,
  });
  const statusQueueDepth = new Gauge({
    name: 'l2speaker_status_queue_depth',
    help: 'Services waiting for a ServiceL2Status write',
    registers,
  });
  const feedStatusWrites = absoluteFeeder(statusWritesTotal, byAllLabels);

  const feedFrames = absoluteFeeder(framesTotal, byAllLabels);
  const feedRequests = absoluteFeeder(layer2RequestsReceived, byIp);
  const feedResponses = absoluteFeeder(layer2ResponsesSent, byIp);

  return {
    ...createOwnershipMetrics(registry),
    registry,
    layer2RequestsReceived,
    layer2ResponsesSent,
    layer2GratuitousSent,
    speakerAnnounced,
    framesTotal,
    configReloadsTotal,
    conflictsTotal,
    announcementsTotal,
    statusWritesTotal,
    statusBreakerOpen,
    statusQueueDepth,
    setStatusStats(stats) {
      for (const [operation, byOutcome] of Object.entries(stats.writes))
        for (const [outcome, count] of Object.entries(byOutcome))
          feedStatusWrites({ operation, outcome }, count);
      statusBreakerOpen.set(stats.breakerOpen ? 1 : 0);
      statusQueueDepth.set(stats.queueDepth);
    },
    setFrameCounts(snapshot) {
      for (const entry of snapshot) {
        feedFrames({ interface: entry.interface, verdict: entry.verdict, reason: entry.reason }, entry.count);
      }
    },
    setLayer2Counts(snapshot) {
      for (const entry of snapshot) {
        feedRequests({ ip: entry.ip }, entry.requestsReceived);
        feedResponses({ ip: entry.ip }, entry.responsesSent);
      }
    },
    setAnnounced(node, announced) {
      if (announced === lastAnnounced) return;
      lastAnnounced = announced;
      // Reset then set, synchronously: a scrape never sees a partial set.
      speakerAnnounced.reset();
      for (const { service, ip } of announced)
        speakerAnnounced.set({ ip, node, protocol: 'layer2', service }, 1);
    },
  };
}
