/** The model listed once, without watching: for one-shot tools (`l2speaker explain`). */
import type { Model } from '../config/index.ts';
import type { KubeHttp } from '../kubehttp/index.ts';
import type { KubeApi } from './api.ts';
import { kubeApi } from './client.ts';
import { collectionPath, modelKinds, type ModelKind } from './convert.ts';
import { assembleModel } from './model.ts';
import { createModelStores, partsOf, rejectionLogger, type SourceLogger } from './sources.ts';

export interface ReadClusterModelOptions {
  /** The speaker's namespace, where IPAddressPools and L2Advertisements are read. */
  readonly namespace: string;
  /** Objects skipped as invalid are reported here (default: nowhere). */
  readonly logger?: SourceLogger;
  /** Objects per list page (default 100). */
  readonly pageSize?: number;
}

const silent: SourceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Lists every kind of the model once, through `api`. */
export async function readModel(api: KubeApi, options: ReadClusterModelOptions): Promise<Model> {
  const rejections = rejectionLogger(options.logger ?? silent);
  const stores = createModelStores(rejections.object);
  await Promise.all(
    (Object.keys(modelKinds) as ModelKind[]).map(async (kind) => {
      const store = stores[kind];
      store.beginList();
      let continueToken: string | undefined;
      do {
        const query: Record<string, string> = { limit: String(options.pageSize ?? 100) };
        if (continueToken !== undefined) query['continue'] = continueToken;
        const page = await api.list(collectionPath(kind, options.namespace), query);
        store.listPage(page.items);
        continueToken = page.continueToken;
      } while (continueToken !== undefined);
      store.endList();
    }),
  );
  return assembleModel(partsOf(stores), undefined, rejections.pool);
}

/**
 * The cluster's model as the speaker would see it, listed once (no watch).
 * @throws KubeApiError when a list fails.
 */
export function readClusterModel(http: KubeHttp, options: ReadClusterModelOptions): Promise<Model> {
  return readModel(kubeApi(http), options);
}
