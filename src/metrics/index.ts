/**
 * Metrics and health: Prometheus metrics with MetalLB's names and labels (so existing dashboards
 * keep working) plus l2speaker's own, and the HTTP server for /metrics, /livez, /readyz, /status.
 *
 * @example
 * import { createMetrics, startHttpServer } from '../metrics/index.ts';
 *
 * const metrics = createMetrics();
 * metrics.configReloadsTotal.inc({ result: 'ok' });
 * metrics.setFrameCounts([{ interface: 'eth0', verdict: 'reply', reason: 'arp-request', count: 42 }]);
 * metrics.setAnnounced('node-a', [{ service: 'default/web', ip: '192.0.2.10' }]);
 * metrics.setMembers([{ state: 'alive' }, { state: 'suspect' }]);
 * metrics.setElectionMode('ring');
 * metrics.memberState('node-b', 'suspect', performance.now()); // starts node-b's outage clock
 * metrics.observeOwners('node-a', new Map([['default/web', 'node-a']]), performance.now());
 * metrics.setStatusStats(publisher.stats()); // src/status counters, before each scrape
 * const http = await startHttpServer({
 *   host: '0.0.0.0', port: 7472, registry: metrics.registry,
 *   ready: () => true, status: () => ({ announcing: ['192.0.2.10'] }),
 * });
 * await http.close();
 */
export { createMetrics } from './metrics.ts';
export type { AnnouncedIp, FrameCount, Layer2Count, Metrics, StatusStatsLike } from './metrics.ts';
export type { DownCause, OwnershipMetrics } from './ownership.ts';
export { HttpListenError, startHttpServer } from './http.ts';
export type { HttpLogger, HttpServer, HttpServerOptions } from './http.ts';
