/**
 * Kubernetes sources: informers (list + watch, restarted with backoff) over Services, EndpointSlices,
 * Nodes and MetalLB's IPAddressPools and L2Advertisements (in the speaker's namespace) building one
 * immutable Model, debounced, that keeps the identity of unchanged objects across snapshots; the speaker
 * pods for memberlist peers; MetalLB's `metallb-excludel2` ConfigMap; the memberlist Secret.
 * src/kubehttp finds and reaches the API server (kubeconfig, KUBECONFIG or in-cluster).
 *
 * @example
 * import { kubeHttp, loadKubeTarget } from '../kubehttp/index.ts';
 * import { kubeApi, startClusterSources, readClusterModel } from '../k8s/index.ts';
 * const http = kubeHttp(loadKubeTarget()); // or loadKubeTarget('/path/kubeconfig')
 * const sources = startClusterSources(kubeApi(http), { namespace: 'metallb-system', speakerLabels: 'app=metallb', logger });
 * await sources.synced;
 * sources.onModel((model) => replan(model));
 * sources.model().services.length; // 42
 * await sources.close();
 * const once = await readClusterModel(http, { namespace: 'metallb-system' }); // list once, no watch
 */
export type { KubeApi, ListPage, RawObject, WatchEventType, WatchHandle } from './api.ts';
export { kubeApi, type KubeApiOptions } from './client.ts';
export { collectionPath, modelConverter, modelKinds, type ModelKind, type Rejection } from './convert.ts';
export { KubeApiError, KubeConfigError } from '../kubehttp/index.ts';
export { ApiGate, serverDown, type ApiGateEvents, type ApiGateOptions, type ApiGateStats } from './gate.ts';
export { backoffDelay, Informer, type InformerOptions, type InformerStats } from './informer.ts';
export { assembleModel, compatiblePools, type ModelParts, type PoolRejection } from './model.ts';
export {
  EXCLUDE_L2_CONFIGMAP,
  EXCLUDE_L2_KEY,
  ExcludeL2Error,
  interfaceExcluded,
  parseExcludeL2,
  peersFromPods,
  speakerPod,
  type SpeakerPod,
} from './peers.ts';
export { listPages, readClusterModel, readModel, type ReadClusterModelOptions } from './read.ts';
export { memberlistSecret, MEMBERLIST_SECRET, MEMBERLIST_SECRET_KEY, ownPodUid } from './secret.ts';
export {
  startClusterSources,
  type ClusterSourceOptions,
  type ClusterSources,
  type SourceLogger,
} from './sources.ts';
export { KindStore, objectKey, type Converter } from './store.ts';
