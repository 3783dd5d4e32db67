/**
 * The scale model of bench/plan.ts: N LoadBalancer services and M Nodes, as the objects a source
 * validates (so unchanged objects keep their identity between snapshots) and as a standalone YAML file.
 * One IPv6 pool announced on eth0 by one L2Advertisement; every 10th service has
 * externalTrafficPolicy Local with an EndpointSlice on 3 nodes; every 50th shares the IP of the next.
 */
import { modelFromObjects, type Model } from '../../src/config/index.ts';

export interface ScaleShape {
  readonly services: number;
  readonly nodes: number;
}

export const nodeName = (i: number): string => `node-${String(i).padStart(3, '0')}`;

/** The i-th VIP: 2001:db8:1::/112 holds 65,536. */
export const vip = (i: number): string => `2001:db8:1::${(i + 1).toString(16)}`;

const POOL = '2001:db8:1::/112';

function serviceObject(i: number, shape: ScaleShape): Record<string, unknown> {
  const local = i % 10 === 5;
  const sharesNext = i % 50 === 0 && i + 1 < shape.services;
  const sharesPrevious = i % 50 === 1;
  const ip = sharesPrevious ? vip(i - 1) : vip(i);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${i}`,
      namespace: `ns-${i % 20}`,
      annotations: sharesNext || sharesPrevious ? { 'metallb.io/allow-shared-ip': `k${i - (i % 50)}` } : {},
    },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: local ? 'Local' : 'Cluster' },
    status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

function sliceObject(i: number, shape: ScaleShape): Record<string, unknown> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `svc-${i}-abcde`,
      namespace: `ns-${i % 20}`,
      labels: { 'kubernetes.io/service-name': `svc-${i}` },
    },
    endpoints: [0, 1, 2].map((k) => ({
      nodeName: nodeName((i * 7 + k * 31) % shape.nodes),
      conditions: { ready: true },
    })),
  };
}

const poolObject = {
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'scale', namespace: 'metallb-system' },
  spec: { addresses: [POOL] },
};

/** Edition 0 announces on eth0, edition 1 on eth0 and eth1: an edit every service's plan depends on. */
const advertisementObject = (edition: number): Record<string, unknown> => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'L2Advertisement',
  metadata: { name: 'scale', namespace: 'metallb-system' },
  spec: { interfaces: edition === 0 ? ['eth0'] : ['eth0', 'eth1'] },
});

/** Every object of the model: pool, advertisement, Nodes, Services, EndpointSlices. */
export function scaleObjects(shape: ScaleShape, edition = 0): Record<string, unknown>[] {
  const nodes = Array.from({ length: shape.nodes }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName(i), labels: { 'kubernetes.io/hostname': nodeName(i) } },
    status: { conditions: [{ type: 'NetworkUnavailable', status: 'False' }] },
  }));
  const services = Array.from({ length: shape.services }, (_, i) => serviceObject(i, shape));
  const slices = Array.from({ length: shape.services }, (_, i) => i)
    .filter((i) => i % 10 === 5)
    .map((i) => sliceObject(i, shape));
  return [poolObject, advertisementObject(edition), ...nodes, ...services, ...slices];
}

/** The model, every object new at each call (as after a full relist). */
export function scaleModel(shape: ScaleShape, edition = 0): Model {
  return modelFromObjects(scaleObjects(shape, edition), 'bench');
}

/** The standalone config a speaker holding all the services reads (no Nodes or EndpointSlices). */
export function scaleConfigYaml(services: number): string {
  const docs = [
    `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: scale, namespace: metallb-system }\nspec: { addresses: ["${POOL}"] }`,
    `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: scale, namespace: metallb-system }\nspec: { interfaces: [eth0] }`,
    ...Array.from(
      { length: services },
      (_, i) =>
        `apiVersion: v1\nkind: Service\nmetadata: { name: svc-${i}, namespace: default }\nspec: { type: LoadBalancer }\nstatus: { loadBalancer: { ingress: [{ ip: "${vip(i)}" }] } }`,
    ),
  ];
  return `${docs.join('\n---\n')}\n`;
}
