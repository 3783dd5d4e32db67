/** The model listed once, without watching: for one-shot tools (`l2speaker explain`). */
import type { Model } from '../config/index.ts';
import type { KubeHttp } from '../kubehttp/index.ts';
import type { KubeApi, RawObject } from './api.ts';
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

/**
 * Every page of one list (`query` without limit and continue), each handed to `onPage` as it comes.
 * Returns the list's resourceVersion (a watch starts from it).
 */
export async function listPages(
  api: KubeApi,
  path: string,
  query: Readonly<Record<string, string>>,
  pageSize: number,
  onPage: (items: readonly RawObject[]) => void,
): Promise<string> {
  let continueToken: string | undefined;
  let resourceVersion = '';
  do {
    const page = await api.list(path, {
      ...query,
      limit: String(pageSize),
      ...(continueToken === undefined ? {} : { continue: continueToken }),
    });
    onPage(page.items);
    resourceVersion = page.resourceVersion;
    continueToken = page.continueToken;
  } while (continueToken !== undefined);
  return resourceVersion;
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
      await listPages(api, collectionPath(kind, options.namespace), {}, options.pageSize ?? 100, (items) =>
        store.listPage(items),
      );
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
