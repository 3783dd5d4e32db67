import { electOwner, preference, type Candidate } from '../../src/election/index.ts';

/** mulberry32: a small seeded generator, so every run sweeps the same IPs and member orders. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const random = seeded(20240611);
const pick = (n: number): number => Math.floor(random() * n);

// Every address of two IPv4 documentation networks and 2,500 random ones of 2001:db8::/32.
const ips = [
  ...Array.from({ length: 256 }, (_, i) => `192.0.2.${i}`),
  ...Array.from({ length: 256 }, (_, i) => `198.51.100.${i}`),
  ...Array.from(
    { length: 2500 },
    () => `2001:db8::${pick(0x10000).toString(16)}:${pick(0x10000).toString(16)}`,
  ),
];

// 100 names in a shuffled join order, a mix of short names and FQDNs.
const names = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? `worker-${i}.example.com` : `node-${i}`));
for (let i = names.length - 1; i > 0; i--) {
  const j = pick(i + 1);
  [names[i], names[j]] = [names[j] as string, names[i] as string];
}

const asCandidates = (members: readonly string[]): Candidate[] =>
  members.map((name) => ({ name, weight: 0 }));

function owners(members: readonly string[], isEligible?: (name: string) => boolean): (string | undefined)[] {
  const candidates = asCandidates(members);
  return ips.map((ip) => electOwner('ring', candidates, ip, isEligible));
}

/** The services whose owner changed, as [ip, before, after]. */
function moved(before: readonly (string | undefined)[], after: readonly (string | undefined)[]) {
  return ips.flatMap((ip, i) => (before[i] === after[i] ? [] : [[ip, before[i], after[i]]]));
}

describe('ring election', () => {
  test('sweeping 1 to 100 members: a leaver moves only its services, a joiner only those it takes', () => {
    let previous: (string | undefined)[] = ips.map(() => undefined);
    for (let size = 1; size <= names.length; size++) {
      const members = names.slice(0, size);
      const current = owners(members);
      const joiner = members[size - 1];
      // Join: names[size - 1] joined the previous members; every move is to it.
      const strayJoins = moved(previous, current).filter(([, , after]) => after !== joiner);
      expect({ size, strayJoins }).toEqual({ size, strayJoins: [] });
      if (size > 1) {
        // Leave: some member other than the newest leaves; only the services it owned move.
        const leaver = members[pick(size - 1)];
        const remaining = owners(members.filter((name) => name !== leaver));
        const strayLeaves = moved(current, remaining).filter(([, before]) => before !== leaver);
        expect({ size, strayLeaves }).toEqual({ size, strayLeaves: [] });
        expect(remaining).not.toContain(leaver);
      }
      previous = current;
    }
  });

  test('the same holds among the eligible members: an ineligible nearest member passes to the next', () => {
    const isEligible = (name: string): boolean => !name.startsWith('worker-');
    let previous: (string | undefined)[] = ips.map(() => undefined);
    for (let size = 1; size <= 30; size++) {
      const members = names.slice(0, size);
      const current = owners(members, isEligible);
      expect(current.every((owner) => owner === undefined || isEligible(owner))).toBe(true);
      const joiner = members[size - 1];
      const strayJoins = moved(previous, current).filter(([, , after]) => after !== joiner);
      expect({ size, strayJoins }).toEqual({ size, strayJoins: [] });
      previous = current;
    }
  });

  test('the preference list walks every member once; the owner is its first eligible entry', () => {
    const members = names.slice(0, 12);
    for (const ip of ips.slice(0, 200)) {
      const list = preference('ring', asCandidates(members), ip);
      expect([...list].sort()).toEqual([...members].sort());
      expect(electOwner('ring', asCandidates(members), ip)).toBe(list[0]);
      expect(electOwner('ring', asCandidates(members), ip, (name) => name !== list[0])).toBe(list[1]);
    }
  });

  test('the input order and the weights do not matter; no member, no owner', () => {
    const members = names.slice(0, 9);
    const weightedReversed = [...members].reverse().map((name, i) => ({ name, weight: i * 10 }));
    for (const ip of ips.slice(0, 200)) {
      expect(preference('ring', weightedReversed, ip)).toEqual(preference('ring', asCandidates(members), ip));
    }
    expect(preference('ring', [], '192.0.2.10')).toEqual([]);
    expect(electOwner('ring', [], '192.0.2.10')).toBeUndefined();
    expect(electOwner('ring', asCandidates(members), '192.0.2.10', () => false)).toBeUndefined();
  });

  test('spreads services over the members: each of 10 owns between 5% and 20%', () => {
    const members = names.slice(0, 10);
    const counts = new Map<string | undefined, number>();
    for (const owner of owners(members)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...members].sort());
    for (const count of counts.values()) {
      expect(count / ips.length).toBeGreaterThan(0.05);
      expect(count / ips.length).toBeLessThan(0.2);
    }
  });

  // Computed by this implementation (hashring 3.2.0, md5, 40 vnodes x 4 replicas per member). Every
  // l2speaker must compute the same list: a change here splits a cluster of mixed versions.
  test.each([
    ['192.0.2.10', ['node-c', 'node-e', 'node-a', 'node-d', 'node-b']],
    ['192.0.2.201', ['node-c', 'node-b', 'node-a', 'node-d', 'node-e']],
    ['2001:db8::201', ['node-d', 'node-e', 'node-a', 'node-b', 'node-c']],
    ['198.51.100.7', ['node-c', 'node-d', 'node-a', 'node-b', 'node-e']],
  ])('preference for %s is stable across versions', (ip, expected) => {
    const candidates = asCandidates(['node-a', 'node-b', 'node-c', 'node-d', 'node-e']);
    expect(preference('ring', candidates, ip)).toEqual(expected);
  });
});
