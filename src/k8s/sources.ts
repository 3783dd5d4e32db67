/**
 * The Kubernetes sources: informers over Services, EndpointSlices, Nodes, IPAddressPools and
 * L2Advertisements (the speaker's namespace) build one immutable Model, debounced; beside them the
 * speaker pods (memberlist peers, by --ml-labels) and MetalLB's `metallb-excludel2` ConfigMap.
 */
import type { Model } from '../config/index.ts';
import type { KubeApi } from './api.ts';
import { collectionPath, modelConverter, modelKinds, type ModelKind, type Rejection } from './convert.ts';
import { ApiGate, type ApiGateOptions, type ApiGateStats } from './gate.ts';
import { Informer, type InformerOptions, type InformerStats } from './informer.ts';
import { assembleModel, type ModelParts, type PoolRejection } from './model.ts';
import {
  EXCLUDE_L2_CONFIGMAP,
  ExcludeL2Error,
  parseExcludeL2,
  speakerPod,
  type SpeakerPod,
} from './peers.ts';
import { KindStore } from './store.ts';

/** What the sources log through; winston's Logger fits. */
export interface SourceLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object | Error): void;
}

export interface ClusterSourceOptions {
  /** The speaker's namespace: IPAddressPools, L2Advertisements, speaker pods, the excludel2 ConfigMap. */
  readonly namespace: string;
  /** Label selector of the speaker pods (--ml-labels); undefined: no peer discovery. */
  readonly speakerLabels?: string;
  /** Namespace of the speaker pods (default: `namespace`). */
  readonly speakerNamespace?: string;
  /** Quiet time after a change before a new model is built, ms (default 50). */
  readonly debounceMs?: number;
  /** Longest a change waits for quiet, ms (default 500): a steady stream of events still yields models. */
  readonly maxDelayMs?: number;
  readonly informer?: Omit<InformerOptions, 'gate'>;
  /** The gate every informer waits behind while the API server does not answer. */
  readonly gate?: ApiGateOptions;
  readonly logger: SourceLogger;
}

export interface ClusterSources {
  /** Resolves when every model informer has listed once; the first model is then available. */
  readonly synced: Promise<void>;
  /** The current model (empty before sync); the same object while nothing changed. */
  model(): Model;
  /** Called with each new model, after sync. */
  onModel(listener: (model: Model) => void): void;
  /** The speaker pods (with --ml-labels), sorted by name. */
  speakerPods(): readonly SpeakerPod[];
  onSpeakerPods(listener: (pods: readonly SpeakerPod[]) => void): void;
  /** Interface name patterns of the excludel2 ConfigMap (none without it). */
  excludedInterfaces(): readonly RegExp[];
  /** Drops every watch and lists everything again. */
  relist(): void;
  /** Per informer (by resource), the models built, and the API gate (its probes are requests too). */
  stats(): Record<string, InformerStats> & { models: number; gate: ApiGateStats };
  close(): Promise<void>;
}

const emptyModel: Model = Object.freeze({
  pools: [],
  advertisements: [],
  services: [],
  nodes: [],
  endpointSlices: [],
});

/** One store per model kind, each converting with src/config's validation. */
export function createModelStores(onReject: (rejection: Rejection) => void) {
  return {
    Service: new KindStore(modelConverter('Service', onReject)),
    EndpointSlice: new KindStore(modelConverter('EndpointSlice', onReject)),
    Node: new KindStore(modelConverter('Node', onReject)),
    IPAddressPool: new KindStore(modelConverter('IPAddressPool', onReject)),
    L2Advertisement: new KindStore(modelConverter('L2Advertisement', onReject)),
  };
}

export type ModelStores = ReturnType<typeof createModelStores>;

export function partsOf(stores: ModelStores): ModelParts {
  return {
    pools: stores.IPAddressPool.values(),
    advertisements: stores.L2Advertisement.values(),
    services: stores.Service.values(),
    nodes: stores.Node.values(),
    endpointSlices: stores.EndpointSlice.values(),
  };
}

export function rejectionLogger(logger: SourceLogger) {
  return {
    object: (r: Rejection): void =>
      logger.warn('object skipped: invalid', { kind: r.kind, object: r.object, error: r.error.message }),
    pool: (r: PoolRejection): void =>
      logger.warn('IPAddressPool skipped: overlaps another', { pool: r.pool, reason: r.reason }),
  };
}

export function startClusterSources(api: KubeApi, options: ClusterSourceOptions): ClusterSources {
  const { logger, namespace } = options;
  const debounceMs = options.debounceMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 500;
  const rejections = rejectionLogger(logger);
  const stores = createModelStores(rejections.object);
  const modelListeners: ((model: Model) => void)[] = [];
  const podListeners: ((pods: readonly SpeakerPod[]) => void)[] = [];
  let current: { parts: ModelParts; model: Model } | undefined;
  let models = 0;
  let pending = new Set<ModelKind>(Object.keys(modelKinds) as ModelKind[]);
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const publish = (): void => {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    quietTimer = maxTimer = undefined;
    if (closed || pending.size > 0) return;
    const parts = partsOf(stores);
    const model = assembleModel(parts, current, rejections.pool);
    if (current?.model === model) return;
    current = { parts, model };
    models += 1;
    for (const listener of modelListeners) listener(model);
  };
  const schedule = (): void => {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(publish, debounceMs);
    maxTimer ??= setTimeout(publish, maxDelayMs);
  };
  const failed = (name: string) => (err: Error, retryInMs: number) =>
    logger.warn('list/watch failed; retrying', { resource: name, retryInMs, error: err.message });

  const gate = new ApiGate(
    () => api.list(collectionPath('Node', namespace), { limit: '1' }),
    {
      opened: (err) =>
        logger.warn('API server not answering; every list and watch waits for it', { error: err.message }),
      closed: (downMs, probes) => logger.info('API server answers again', { downMs, probes }),
    },
    options.gate,
  );
  const informerOptions: InformerOptions = { ...options.informer, gate };
  const informers: Informer<unknown>[] = [];
  for (const kind of Object.keys(modelKinds) as ModelKind[]) {
    const path = collectionPath(kind, namespace);
    const events = {
      changed: schedule,
      synced: () => {
        pending.delete(kind);
        if (pending.size > 0) return;
        pending = new Set();
        publish();
        markSynced();
      },
      failed: failed(modelKinds[kind].plural),
    };
    informers.push(
      new Informer<unknown>(
        api,
        { name: modelKinds[kind].plural, path },
        stores[kind] as KindStore<unknown>,
        events,
        informerOptions,
      ),
    );
  }

  const pods = new KindStore<SpeakerPod>(speakerPod);
  if (options.speakerLabels !== undefined) {
    const notify = (): void => {
      const list = pods.values();
      for (const listener of podListeners) listener(list);
    };
    informers.push(
      new Informer<unknown>(
        api,
        {
          name: 'pods',
          path: `/api/v1/namespaces/${options.speakerNamespace ?? namespace}/pods`,
          labelSelector: options.speakerLabels,
        },
        pods as KindStore<unknown>,
        { changed: notify, synced: notify, failed: failed('pods') },
        informerOptions,
      ),
    );
  }

  let excluded: readonly RegExp[] = [];
  const excludeStore = new KindStore<readonly RegExp[]>((object) => {
    try {
      return parseExcludeL2(object);
    } catch (err) {
      if (!(err instanceof ExcludeL2Error)) throw err;
      logger.error('excludel2 ConfigMap ignored: invalid', err);
      return undefined;
    }
  });
  informers.push(
    new Informer<unknown>(
      api,
      {
        name: 'configmaps',
        path: `/api/v1/namespaces/${namespace}/configmaps`,
        fieldSelector: `metadata.name=${EXCLUDE_L2_CONFIGMAP}`,
      },
      excludeStore as KindStore<unknown>,
      {
        changed: () => {
          excluded = excludeStore.values()[0] ?? [];
          logger.info('interfaces excluded by excludel2', { patterns: excluded.map((p) => p.source) });
        },
        synced: () => undefined,
        failed: failed('configmaps'),
      },
      informerOptions,
    ),
  );
  for (const informer of informers) informer.start();

  return {
    synced,
    model: () => current?.model ?? emptyModel,
    onModel: (listener) => void modelListeners.push(listener),
    speakerPods: () => pods.values(),
    onSpeakerPods: (listener) => void podListeners.push(listener),
    excludedInterfaces: () => excluded,
    relist: () => {
      for (const informer of informers) informer.relist();
    },
    stats: () => {
      const byName = Object.fromEntries(informers.map((informer) => [informer.name, informer.stats()]));
      return { ...byName, models, gate: gate.stats() } as Record<string, InformerStats> & {
        models: number;
        gate: ApiGateStats;
      };
    },
    async close() {
      closed = true;
      clearTimeout(quietTimer);
      clearTimeout(maxTimer);
      gate.stop();
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}
