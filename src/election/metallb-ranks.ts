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

/** Candidates arrays at least this long get their slots kept (shorter ones are often made per call). */
const KEEP_SLOTS_FROM = 8;

export class MetallbRanks {
  readonly #slots = new Map<string, number>();
  readonly #byIp = new Map<string, IpHashes>();
  /** Per candidates array (arrays are not changed once made): each candidate's slot, and the highest. */
  readonly #arraySlots = new WeakMap<readonly Candidate[], { slots: Int32Array; highest: number }>();
  readonly #scratch = new Uint32Array(2);

  /**
   * The member that announces a service whose first IP is `firstIp`; undefined without candidates. An
   * array passed here must not be changed afterwards (the slots of a long one are kept by identity).
   */
  owner(candidates: readonly Candidate[], firstIp: string): string | undefined {
    if (candidates.length === 0) return undefined;
    const { slots, highest } = this.#slotsOf(candidates);
    const hashes = this.#hashesOf(firstIp, highest);
    let best = 0;
    this.#ensureHash(candidates[0]?.name ?? '', slots[0] ?? 0, hashes, firstIp);
    for (let j = 1; j < candidates.length; j++) {
      const slot = slots[j] ?? 0;
      this.#ensureHash(candidates[j]?.name ?? '', slot, hashes, firstIp);
      const candidate = candidates[j] as Candidate;
      if (
        this.#precedes(
          candidate,
          slot,
          candidates[best] as Candidate,
          slots[best] ?? 0,
          hashes.words,
          firstIp,
        )
      )
        best = j;
    }
    return candidates[best]?.name;
  }

  /** Forgets the IPs that no service has any more. */
  retain(ips: ReadonlySet<string>): void {
    for (const ip of this.#byIp.keys()) if (!ips.has(ip)) this.#byIp.delete(ip);
  }

  /** How many IPs have hashes kept. */
  get size(): number {
    return this.#byIp.size;
  }

  /** The candidates' slots: a member's slot never changes, so an array's are found once. */
  #slotsOf(candidates: readonly Candidate[]): { slots: Int32Array; highest: number } {
    const keep = candidates.length >= KEEP_SLOTS_FROM;
    const known = keep ? this.#arraySlots.get(candidates) : undefined;
    if (known !== undefined) return known;
    const slots = new Int32Array(candidates.length);
    let highest = 0;
    candidates.forEach(({ name }, j) => {
      let slot = this.#slots.get(name);
      if (slot === undefined) {
        slot = this.#slots.size;
        this.#slots.set(name, slot);
      }
      slots[j] = slot;
      highest = Math.max(highest, slot);
    });
    const found = { slots, highest };
    if (keep) this.#arraySlots.set(candidates, found);
    return found;
  }

  /** The IP's hashes, with room for slots up to `highest`. */
  #hashesOf(ip: string, highest: number): IpHashes {
    let hashes = this.#byIp.get(ip);
    if (hashes === undefined) {
      const slots = Math.max(INITIAL_SLOTS, this.#slots.size);
      hashes = { words: new Uint32Array(slots * 2), known: new Uint8Array(slots) };
      this.#byIp.set(ip, hashes);
    }
    if (highest >= hashes.known.length) {
      const grown = Math.max(highest + 1, hashes.known.length * 2);
      const words = new Uint32Array(grown * 2);
      words.set(hashes.words);
      const known = new Uint8Array(grown);
      known.set(hashes.known);
      hashes.words = words;
      hashes.known = known;
    }
    return hashes;
  }

  /** Computes the member's hash for `ip` into its slot when not known yet. */
  #ensureHash(name: string, slot: number, hashes: IpHashes, ip: string): void {
    if (hashes.known[slot] !== 0) return;
    const text = `${name}#${ip}`;
    if (!sha256Prefix(text, this.#scratch)) {
      const digest = fullHash(name, ip);
      this.#scratch[0] = digest.readUInt32BE(0);
      this.#scratch[1] = digest.readUInt32BE(4);
    }
    hashes.words.set(this.#scratch, slot * 2);
    hashes.known[slot] = 1;
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
