/**
 * Where `status` and `explain` read the live state: a speaker's /status page, or the cluster's
 * ServiceL2Status objects. Conversions to rows are pure; fetching is at the edge.
 */
import { jsonOf, type KubeHttp } from '../kubehttp/index.ts';
import type { ExplainMember } from './explain.ts';
import type { StatusRow } from './render.ts';

/** The JSON of a speaker's GET /status. */
export interface SpeakerStatus {
  readonly node: string;
  readonly election: 'ring' | 'metallb' | undefined;
  readonly members: readonly ExplainMember[];
  readonly services: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly ips: readonly string[];
    readonly interfaces: readonly string[];
  }[];
}

export class SpeakerStatusError extends Error {
  override readonly name = 'SpeakerStatusError';
  readonly url: string;
  constructor(url: string, detail: string, cause?: unknown) {
    super(`${url}: ${detail}`, { cause });
    this.url = url;
  }
}

function isSpeakerStatus(value: unknown): value is SpeakerStatus {
  const v = value as Partial<SpeakerStatus> | null;
  return typeof v?.node === 'string' && Array.isArray(v.members) && Array.isArray(v.services);
}

/** GET BASE/status. @throws SpeakerStatusError when unreachable or not a speaker's status. */
export async function fetchSpeakerStatus(base: string): Promise<SpeakerStatus> {
  const url = new URL('/status', base).href;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new SpeakerStatusError(url, (err as Error).message, err);
  }
  if (!response.ok) throw new SpeakerStatusError(url, `HTTP ${response.status}`);
  const body: unknown = await response.json();
  if (!isSpeakerStatus(body)) throw new SpeakerStatusError(url, 'not an l2speaker /status document');
  return body;
}

/** One row per service announced by any of the speakers (each speaker lists what it announces). */
export function rowsFromSpeakers(statuses: readonly SpeakerStatus[]): StatusRow[] {
  return statuses.flatMap((status) =>
    status.services.map((svc) => ({
      service: `${svc.namespace}/${svc.name}`,
      ips: svc.ips,
      node: status.node,
      interfaces: svc.interfaces,
    })),
  );
}

/** The parts of ServiceL2Status and Service objects `status` reads. */
export interface L2StatusObject {
  readonly status?: {
    readonly node?: string;
    readonly serviceName?: string;
    readonly serviceNamespace?: string;
    readonly interfaces?: readonly { readonly name?: string }[];
  };
}

export interface ServiceObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] } };
}

/** One row per ServiceL2Status with a written status, IPs taken from its Service. */
export function rowsFromCluster(
  statuses: readonly L2StatusObject[],
  services: readonly ServiceObject[],
): StatusRow[] {
  const ipsOf = new Map(
    services.map((svc) => [
      `${svc.metadata.namespace}/${svc.metadata.name}`,
      (svc.status?.loadBalancer?.ingress ?? []).flatMap((entry) =>
        entry.ip === undefined ? [] : [entry.ip],
      ),
    ]),
  );
  return statuses.flatMap(({ status }) => {
    if (status?.serviceName === undefined || status.serviceNamespace === undefined) return [];
    const service = `${status.serviceNamespace}/${status.serviceName}`;
    return [
      {
        service,
        ips: ipsOf.get(service) ?? [],
        node: status.node,
        interfaces: (status.interfaces ?? []).flatMap((i) => (i.name === undefined ? [] : [i.name])),
      },
    ];
  });
}

async function kubeGet(http: KubeHttp, path: string): Promise<unknown> {
  return jsonOf('GET', path, await http.send({ method: 'GET', path, timeoutMs: 10_000 }));
}

/** The ServiceL2Statuses of the speakers' namespace, and every Service. @throws KubeApiError */
export async function fetchClusterRows(http: KubeHttp, namespace: string): Promise<StatusRow[]> {
  const path = `/apis/metallb.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/servicel2statuses`;
  const statuses = (await kubeGet(http, path)) as { items?: L2StatusObject[] };
  const services = (await kubeGet(http, '/api/v1/services')) as { items?: ServiceObject[] };
  return rowsFromCluster(statuses.items ?? [], services.items ?? []);
}
