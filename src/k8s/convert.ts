/**
 * API objects to model values (pure): each object is validated on its own by src/config, so one bad
 * object is skipped and reported, never the whole model.
 */
import { ConfigError, resourceFromObject, type Resource } from '../config/index.ts';
import type { RawObject } from './api.ts';
import type { Converter } from './store.ts';

/** The kinds the model is made of, with the apiVersion and collection path each is read from. */
export const modelKinds = {
  Service: { apiVersion: 'v1', plural: 'services', group: '/api/v1', namespaced: false },
  EndpointSlice: {
    apiVersion: 'discovery.k8s.io/v1',
    plural: 'endpointslices',
    group: '/apis/discovery.k8s.io/v1',
    namespaced: false,
  },
  Node: { apiVersion: 'v1', plural: 'nodes', group: '/api/v1', namespaced: false },
  IPAddressPool: {
    apiVersion: 'metallb.io/v1beta1',
    plural: 'ipaddresspools',
    group: '/apis/metallb.io/v1beta1',
    namespaced: true,
  },
  L2Advertisement: {
    apiVersion: 'metallb.io/v1beta1',
    plural: 'l2advertisements',
    group: '/apis/metallb.io/v1beta1',
    namespaced: true,
  },
} as const;

export type ModelKind = keyof typeof modelKinds;

/**
 * The collection path of a kind: MetalLB's own resources in the speaker's namespace, the rest across
 * all namespaces (Nodes are cluster-scoped).
 */
export function collectionPath(kind: ModelKind, namespace: string): string {
  const { group, plural, namespaced } = modelKinds[kind];
  return namespaced ? `${group}/namespaces/${namespace}/${plural}` : `${group}/${plural}`;
}

/** Why an object was skipped. */
export interface Rejection {
  readonly kind: string;
  /** "namespace/name" or "name". */
  readonly object: string;
  readonly error: ConfigError;
}

function describe(object: RawObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace === undefined ? (name ?? '?') : `${namespace}/${name ?? '?'}`;
}

/**
 * A converter for one kind: list items come without kind and apiVersion (the list carries them), so
 * both are set before validation. A bad object is reported to `onReject` and skipped.
 */
export function modelConverter<K extends ModelKind>(
  kind: K,
  onReject: (rejection: Rejection) => void,
): Converter<Extract<Resource, { kind: K }>> {
  const { apiVersion } = modelKinds[kind];
  return (object) => {
    const source = `${kind} ${describe(object)}`;
    try {
      return resourceFromObject({ ...object, kind, apiVersion }, source) as Extract<Resource, { kind: K }>;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      onReject({ kind, object: describe(object), error: err });
      return undefined;
    }
  };
}
