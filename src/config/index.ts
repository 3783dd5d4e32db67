/**
 * Configuration: MetalLB's IPAddressPool and L2Advertisement (metallb.io/v1beta1) and LoadBalancer
 * Services, as one immutable Model; the standalone YAML file format with validation and reload; and
 * the pure matching of services to this node's advertisements.
 *
 * @example
 * import { advertisedServices, loadConfigFile, watchConfig } from '../config/index.ts';
 *
 * let model = loadConfigFile('/etc/l2speaker/config.yaml'); // throws ConfigError
 * const watch = watchConfig('/etc/l2speaker/config.yaml', {
 *   onChange: (next) => (model = next),
 *   onError: (err) => logger.warn('configuration rejected, keeping the last good one', err),
 * });
 * const services = advertisedServices(model, { name: 'node-a', labels: { zone: 'a' } });
 * // [{ namespace: 'default', name: 'web', ips: ['192.0.2.10'], interfaces: undefined, pools: ['lan'] }]
 * watch.close();
 */
export type {
  AddressRange,
  AdvertisedService,
  ExternalTrafficPolicy,
  IPAddressPool,
  IpFamily,
  L2Advertisement,
  LabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  Labels,
  Model,
  NodeInfo,
  ObjectMeta,
  PreferredNodeSelector,
  Service,
} from './types.ts';
export { ConfigError } from './errors.ts';
export type { ConfigErrorDetails, DocumentRef } from './errors.ts';
export { canonicalIp } from './addresses.ts';
export { modelFromObjects, parseConfig } from './parse.ts';
export { advertisedServices, ipInPool, selectorMatches } from './match.ts';
export type { MatchOptions } from './match.ts';
export { loadConfigFile, watchConfig } from './watch.ts';
export type { ConfigWatch, ConfigWatchHandlers, ConfigWatchOptions } from './watch.ts';
