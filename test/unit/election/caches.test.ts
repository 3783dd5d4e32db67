import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MetallbRanks, RingWalk, electOwner, metallbPreference } from '../../../src/election/index.ts';
import { sha256Prefix } from '../../../src/election/sha256.ts';

const names = fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/), {
  minLength: 1,
  maxLength: 12,
});
const ip = fc.oneof(fc.ipV4(), fc.ipV6());

describe('sha256Prefix', () => {
  test('equals the first 8 bytes of node:crypto sha256 for texts of one block, refuses longer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 70 }), (text) => {
        const out = new Uint32Array(2);
        const digest = createHash('sha256').update(text).digest();
        if (Buffer.byteLength(text) > 55) {
          expect(sha256Prefix(text, out)).toBe(false);
          return;
        }
        expect(sha256Prefix(text, out)).toBe(true);
        expect([out[0], out[1]]).toEqual([digest.readUInt32BE(0), digest.readUInt32BE(4)]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('MetallbRanks', () => {
  test('elects metallbPreference()[0], with weights, over repeated and shrinking candidate lists', () => {
    const ranks = new MetallbRanks();
    fc.assert(
      fc.property(names, fc.array(fc.nat(3)), ip, (members, weights, firstIp) => {
        const candidates = members.map((name, i) => ({ name, weight: weights[i] ?? 0 }));
        for (let n = candidates.length; n >= 0; n--) {
          const some = candidates.slice(0, n);
          expect(ranks.owner(some, firstIp)).toBe(metallbPreference(some, firstIp)[0]);
        }
      }),
    );
  });
});

describe('MetallbRanks retain', () => {
  test('forgetting IPs and reusing their rows for new ones keeps every owner right', () => {
    fc.assert(
      fc.property(
        names,
        fc.array(fc.array(ip, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        (members, rounds) => {
          const ranks = new MetallbRanks();
          const candidates = members.map((name) => ({ name, weight: 0 }));
          for (const ips of rounds) {
            for (const firstIp of ips)
              expect(ranks.owner(candidates, firstIp)).toBe(metallbPreference(candidates, firstIp)[0]);
            // Keep one IP of the round: the others' rows are cleared for the next round's.
            ranks.retain(new Set(ips.slice(0, 1)));
            expect(ranks.size).toBe(1);
          }
        },
      ),
    );
  });
});

describe('RingWalk', () => {
  test('on the ring of all members, elects for any subset what the ring of that subset elects', () => {
    fc.assert(
      fc.property(
        names,
        fc.array(fc.boolean()),
        fc.array(ip, { minLength: 1, maxLength: 5 }),
        (members, keep, ips) => {
          const walk = new RingWalk();
          walk.use(members);
          const subset = members.filter((_, i) => keep[i] ?? true).map((name) => ({ name, weight: 0 }));
          for (const firstIp of ips)
            expect(walk.owner(subset, firstIp)).toBe(electOwner('ring', subset, firstIp));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('after its ring is built again for new members, elects what the ring of the candidates elects', () => {
    fc.assert(
      fc.property(names, fc.array(ip, { minLength: 1, maxLength: 5 }), (members, ips) => {
        const walk = new RingWalk();
        const before = members.slice(0, Math.ceil(members.length / 2));
        walk.use(before);
        const some = before.map((name) => ({ name, weight: 0 }));
        for (const firstIp of ips) expect(walk.owner(some, firstIp)).toBe(electOwner('ring', some, firstIp));
        walk.use(members);
        const all = members.map((name) => ({ name, weight: 0 }));
        for (const firstIp of ips) expect(walk.owner(all, firstIp)).toBe(electOwner('ring', all, firstIp));
      }),
      { numRuns: 60 },
    );
  });
});
