/**
 * OwnerMap: the owners of a plan laid over the previous plan's, which tells the ownership metrics which
 * services changed so that they do not walk all of them; the counts agree with a plain map's.
 */
import fc from 'fast-check';
import { createMetrics, type Metrics } from '../../../src/metrics/index.ts';
import { OwnerMap } from '../../../src/speaker/owner-map.ts';

const NODES = ['a', 'b', 'c', undefined];
const SERVICES = ['ns/s0', 'ns/s1', 'ns/s2', 'ns/s3', 'ns/s4'];

async function changes(metrics: Metrics): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric('l2speaker_ownership_changes_total');
  if (metric === undefined) throw new Error('no l2speaker_ownership_changes_total');
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.change), v.value]));
}

const ownerArb = fc.constantFrom(...NODES);
const layerArb = fc.array(fc.tuple(fc.constantFrom(...SERVICES), ownerArb), { maxLength: 4 });

describe('OwnerMap', () => {
  it('reads as its base with the changes laid over, and names the changed keys since any layer', () => {
    const base = new Map<string, string | undefined>([
      ['ns/s0', 'a'],
      ['ns/s1', 'b'],
    ]);
    const first = OwnerMap.over(base, new Map([['ns/s0', 'c']]));
    const second = OwnerMap.over(first, new Map([['ns/s1', undefined]]));
    expect([...second]).toEqual([
      ['ns/s0', 'c'],
      ['ns/s1', undefined],
    ]);
    const changedSince = (map: ReadonlyMap<string, string | undefined>, earlier: typeof base) =>
      (map as OwnerMap).changedSince(earlier);
    expect([...(changedSince(second, base) ?? [])].sort()).toEqual(['ns/s0', 'ns/s1']);
    expect([...(changedSince(second, first as typeof base) ?? [])]).toEqual(['ns/s1']);
    expect(changedSince(second, new Map())).toBeUndefined();
  });

  it('reads as a plain map with the same changes applied, however many layers (flattened or not)', () => {
    fc.assert(
      fc.property(
        fc.array(ownerArb, { minLength: 5, maxLength: 5 }),
        fc.array(layerArb, { maxLength: 20 }),
        (start, layers) => {
          let owners: ReadonlyMap<string, string | undefined> = new Map(
            SERVICES.map((s, i) => [s, start[i]]),
          );
          const plain = new Map(owners);
          for (const layer of layers) {
            owners = OwnerMap.over(owners, new Map(layer));
            for (const [key, owner] of layer) plain.set(key, owner);
            expect([...owners]).toEqual([...plain]);
            for (const key of SERVICES) expect(owners.get(key)).toBe(plain.get(key));
          }
        },
      ),
    );
  });

  it('gives observeOwners the same counts as plain maps of the same owners', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ownerArb, { minLength: 5, maxLength: 5 }),
        fc.array(layerArb),
        async (start, layers) => {
          const viaLayers = createMetrics();
          const viaMaps = createMetrics();
          let owners: ReadonlyMap<string, string | undefined> = new Map(
            SERVICES.map((s, i) => [s, start[i]]),
          );
          viaLayers.observeOwners('a', owners, 0);
          viaMaps.observeOwners('a', new Map(owners), 0);
          for (const layer of layers) {
            owners = OwnerMap.over(owners, new Map(layer));
            viaLayers.observeOwners('a', owners, 1);
            viaMaps.observeOwners('a', new Map(owners), 1);
          }
          expect(await changes(viaLayers)).toEqual(await changes(viaMaps));
        },
      ),
    );
  });
});
