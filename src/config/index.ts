/**
 * Configuration: MetalLB's IPAddressPool and L2Advertisement (metallb.io/v1beta1), LoadBalancer
 * Services, Nodes and EndpointSlices, as one immutable Model; the standalone YAML file format with
 * validation and reload; the pure matching of services to advertisements and the eligibility of
 * members to announce them.
 *
 * @example
 * import { advertisedServices, eligibleNodes, loadConfigFile, watchConfig } from '../config/index.ts';
 *
 * let model = loadConfigFile('/etc/l2speaker/config.yaml'); // throws ConfigError
 * const watch = watchConfig('/etc/l2speaker/config.yaml', {
 *   onChange: (next) => (model = next),
 *   onError: (err) => logger.warn('configuration rejected, keeping the last good one', err),
 * });
 * const services = advertisedServices(model, { name: 'node-a', labels: { zone: 'a' } });
 * // [{ namespace: 'default', name: 'web', ips: ['192.0.2.10'], interfaces: undefined, pools: ['lan'] }]
 * const web = model.services[0];
 * eligibleNodes(model, web, ['node-a', 'node-b'], { ignoreExcludeLb: false });
 * // [{ name: 'node-a', weight: 0 }, { name: 'node-b', weight: 0 }]
 * watch.close();
 */
export type {
  AddressRange,
  AdvertisedService,
  Endpoint,
  EndpointSlice,
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
  Node,
  ObjectMeta,
  PreferredNodeSelector,
  Service,
} from './types.ts';
export { ConfigError } from './errors.ts';
export type { ConfigErrorDetails, DocumentRef } from './errors.ts';
export { canonicalIp } from './addresses.ts';
export { modelFromObjects, parseConfig, poolOverlap, resourceFromObject } from './parse.ts';
export type { Resource } from './parse.ts';
export {
  advertiseByPool,
  advertisedServices,
  advertisementOnNode,
  anySelectorMatches,
  ipInPool,
  mergeInterfaces,
  nodeAdvertiser,
  selectorMatches,
  selectsPool,
  servedHere,
} from './match.ts';
export type { MatchOptions, NodeAdvertisement, PoolHome } from './match.ts';
export {
  EXCLUDE_LB_LABEL,
  eligibility,
  eligibleNodes,
  endpointCanServe,
  memberLabels,
  servingNodes,
  sharingRefusal,
} from './eligibility.ts';
export type { Candidate, EligibilityOptions, ServingNodes } from './eligibility.ts';
export { SERVICE_NAME_LABEL } from './cluster-state.ts';
export { loadConfigFile, watchConfig } from './watch.ts';
export type { ConfigWatch, ConfigWatchHandlers, ConfigWatchOptions } from './watch.ts';
