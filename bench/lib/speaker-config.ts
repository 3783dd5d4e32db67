/** The standalone config the benchmarks give a speaker: one pool, answered on eth0, one Service "web". */
export function speakerConfig(poolAddresses: string, vip: string): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: bench, namespace: metallb-system }
spec: { addresses: ["${poolAddresses}"] }
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
status: { loadBalancer: { ingress: [{ ip: "${vip}" }] } }
`;
}
