/** Seeded randomness, so probe order, gossip targets and staggers replay exactly in simulations. */
import type { Random } from './types.ts';

/** mulberry32: a small, fast 32-bit PRNG; good enough for shuffling and jitter, not for secrets. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (random: Random, below: number): number => Math.floor(random() * below);

/** Fisher-Yates in place. */
export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** Up to `count` distinct items, uniformly. */
export const pickRandom = <T>(random: Random, items: readonly T[], count: number): T[] =>
  shuffle(random, [...items]).slice(0, count);
