import { modelFromObjects } from '../../../src/config/index.ts';
import { PoolLookup } from '../../../src/speaker/planner-advertise.ts';
import { ProfileCache, slicesByService } from '../../../src/speaker/planner-profiles.ts';

const service = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

const slice = (service: string, nodes: string[]) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  endpoints: nodes.map((nodeName) => ({ nodeName, conditions: { ready: true } })),
});

test('services served by the same nodes share one Set of serving nodes', () => {
  const model = modelFromObjects(
    [
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'metallb-system' },
        spec: { addresses: ['192.0.2.0/24'] },
      },
      service('a', '192.0.2.1'),
      service('b', '192.0.2.2'),
      service('c', '192.0.2.3'),
      slice('a', ['n1', 'n2']),
      slice('b', ['n2', 'n1']),
      slice('c', ['n3']),
    ],
    'test.yaml',
  );
  const cache = new ProfileCache();
  const lookup = new PoolLookup(model.pools);
  const index = slicesByService(model);
  const [a, b, c] = model.services.map((svc) => cache.profileOf(lookup, model, svc, index));
  expect(a?.serving).toEqual(new Set(['n1', 'n2']));
  expect(b?.serving).toBe(a?.serving);
  expect(c?.serving).toEqual(new Set(['n3']));
  expect(c?.servingKey).toBe('n3');
  expect(b?.servingKey).toBe('n1,n2');
});
