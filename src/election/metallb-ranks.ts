/**
 * MetalLB's rule with the hashes kept: sha256(node + "#" + IP) does not depend on who else is a member,
 * so each (member, IP) pair is hashed once for the life of the cache. A member leaving or a service
 * changing then costs comparisons, not hashing. Same owner as metallbPreference(...)[0].
 */
import { createHash } from 'node:crypto';
import { sha256Prefix } from './sha256.ts';
import type { Candidate } from './types.ts';

/** Per IP: the first 64 bits of each member's hash (two words per member slot), and which are known. */
interface IpHashes {
  words: Uint32Array;
  known: Uint8Array;
}

const INITIAL_SLOTS = 8;

function fullHash(name: string, ip: string): Buffer {
  return createHash('sha256').update(`${name}#${ip}`).digest();
}

export class MetallbRanks {
  readonly #slots = new Map<string, number>();
  readonly #byIp = new Map<string, IpHashes>();
  readonly #scratch = new Uint32Array(2);

  /** The member that announces a service whose first IP is `firstIp`; undefined without candidates. */
  owner(candidates: readonly Candidate[], firstIp: string): string | undefined {
    const hashes = this.#hashesOf(firstIp);
    let best: Candidate | undefined;
    let bestSlot = 0;
    for (const candidate of candidates) {
      const slot = this.#slotOf(candidate.name, hashes, firstIp);
      if (best === undefined || this.#precedes(candidate, slot, best, bestSlot, hashes.words, firstIp)) {
        best = candidate;
        bestSlot = slot;
      }
    }
    return best?.name;
  }

  /** Forgets the IPs that no service has any more. */
  retain(ips: ReadonlySet<string>): void {
    for (const ip of this.#byIp.keys()) if (!ips.has(ip)) this.#byIp.delete(ip);
  }

  /** How many IPs have hashes kept. */
  get size(): number {
    return this.#byIp.size;
  }

  #hashesOf(ip: string): IpHashes {
    let hashes = this.#byIp.get(ip);
    if (hashes === undefined) {
      const slots = Math.max(INITIAL_SLOTS, this.#slots.size);
      hashes = { words: new Uint32Array(slots * 2), known: new Uint8Array(slots) };
      this.#byIp.set(ip, hashes);
    }
    return hashes;
  }

  /** The member's slot, its hash for `ip` computed when not known yet. */
  #slotOf(name: string, hashes: IpHashes, ip: string): number {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      slot = this.#slots.size;
      this.#slots.set(name, slot);
    }
    if (slot >= hashes.known.length) {
      const grown = Math.max(slot + 1, hashes.known.length * 2);
      const words = new Uint32Array(grown * 2);
      words.set(hashes.words);
      const known = new Uint8Array(grown);
      known.set(hashes.known);
      hashes.words = words;
      hashes.known = known;
    }
    if (hashes.known[slot] === 0) {
      const text = `${name}#${ip}`;
      if (!sha256Prefix(text, this.#scratch)) {
        const digest = fullHash(name, ip);
        this.#scratch[0] = digest.readUInt32BE(0);
        this.#scratch[1] = digest.readUInt32BE(4);
      }
      hashes.words.set(this.#scratch, slot * 2);
      hashes.known[slot] = 1;
    }
    return slot;
  }

  /** MetalLB's order: higher weight, then lower hash, then name. */
  #precedes(
    a: Candidate,
    slotA: number,
    b: Candidate,
    slotB: number,
    words: Uint32Array,
    ip: string,
  ): boolean {
    if (a.weight !== b.weight) return a.weight > b.weight;
    const highA = words[slotA * 2] ?? 0;
    const highB = words[slotB * 2] ?? 0;
    if (highA !== highB) return highA < highB;
    const lowA = words[slotA * 2 + 1] ?? 0;
    const lowB = words[slotB * 2 + 1] ?? 0;
    if (lowA !== lowB) return lowA < lowB;
    const order = Buffer.compare(fullHash(a.name, ip), fullHash(b.name, ip));
    return order !== 0 ? order < 0 : a.name.localeCompare(b.name) < 0;
  }
}
