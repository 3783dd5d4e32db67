/** ServiceL2Status objects as the API server sends them, and as the publisher keeps them. */
import type { StatusObject } from './types.ts';

export interface RawStatusObject {
  readonly metadata?: {
    readonly name?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { kind: string; name: string; uid: string }[];
  };
  readonly status?: {
    readonly node?: string;
    readonly serviceName?: string;
    readonly serviceNamespace?: string;
    readonly interfaces?: readonly { name?: string }[];
  };
}

export function fromRaw(raw: RawStatusObject): StatusObject {
  const meta = raw.metadata ?? {};
  const status = raw.status;
  return {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    labels: meta.labels ?? {},
    ownerReferences: (meta.ownerReferences ?? []).map((r) => ({ kind: r.kind, name: r.name, uid: r.uid })),
    ...(status === undefined
      ? {}
      : {
          status: {
            node: status.node,
            serviceName: status.serviceName,
            serviceNamespace: status.serviceNamespace,
            interfaces: status.interfaces?.map((i) => i.name ?? ''),
          },
        }),
  };
}
