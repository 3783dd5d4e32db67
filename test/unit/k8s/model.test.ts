import {
  assembleModel,
  modelConverter,
  type ModelParts,
  type PoolRejection,
} from '../../../src/k8s/index.ts';
import type { IPAddressPool } from '../../../src/config/index.ts';

const convertPool = modelConverter('IPAddressPool', () => undefined);
function pool(name: string, addresses: string[]): IPAddressPool {
  const converted = convertPool({ metadata: { name, namespace: 'metallb-system' }, spec: { addresses } });
  if (converted === undefined) throw new Error('bad pool');
  return converted;
}

function parts(pools: readonly IPAddressPool[]): ModelParts {
  return { pools, advertisements: [], services: [], nodes: [], endpointSlices: [] };
}

test('the same parts give the same model object; a changed part a new one sharing the rest', () => {
  const first = parts([pool('a', ['192.0.2.0/28'])]);
  const model = assembleModel(first, undefined, () => undefined);
  expect(Object.isFrozen(model)).toBe(true);
  expect(assembleModel({ ...first }, { parts: first, model }, () => undefined)).toBe(model);
  const services: ModelParts['services'] = [];
  const next = assembleModel({ ...first, services }, { parts: first, model }, () => undefined);
  expect(next).not.toBe(model);
  expect(next.pools).toBe(model.pools);
  expect(next.services).toBe(services);
});

test('a pool overlapping one before it is left out and reported; the model keeps the rest', () => {
  const rejected: PoolRejection[] = [];
  const pools = [
    pool('a', ['192.0.2.0/28']),
    pool('b', ['192.0.2.8-192.0.2.20']),
    pool('c', ['192.0.2.64/28']),
  ];
  const model = assembleModel(parts(pools), undefined, (r) => rejected.push(r));
  expect(model.pools.map((p) => p.metadata.name)).toEqual(['a', 'c']);
  expect(rejected).toEqual([
    { pool: 'b', reason: '"192.0.2.8-192.0.2.20" overlaps "192.0.2.0/28" of IPAddressPool "a"' },
  ]);
});
