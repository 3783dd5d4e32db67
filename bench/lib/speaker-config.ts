/**
 * The standalone config the benchmarks give a speaker: one pool, answered on eth0, one Service "web" with
 * the given VIPs (one per family: a dual-stack service).
 */
export function speakerConfig(
  poolAddresses: string | readonly string[],
  vips: string | readonly string[],
): string {
  const pool = (typeof poolAddresses === 'string' ? [poolAddresses] : poolAddresses).map((a) => `"${a}"`);
  const ingress = (typeof vips === 'string' ? [vips] : vips).map((ip) => `{ ip: "${ip}" }`);
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: bench, namespace: metallb-system }
spec: { addresses: [${pool.join(', ')}] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: bench, namespace: metallb-system }
spec: { interfaces: [eth0] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: LoadBalancer }
status: { loadBalancer: { ingress: [${ingress.join(', ')}] } }
`;
}
