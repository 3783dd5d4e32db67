/**
 * The ring election for many services at once: the ring is built once over all usable members, each
 * IP's point is hashed once for the life of the walker, and a service whose candidates are some of the
 * members takes the first of them on the walk from its point. The ring of a subset is the ring of all
 * with the other members' points removed (each member has a fixed number of points, placed by its
 * name alone), so this is the owner ringOwner(candidates, ip) computes.
 */
import type HashRing from 'hashring';
import { buildRing, ringOwner } from './ring.ts';
import type { Candidate } from './types.ts';

const everyone = (): boolean => true;

export class RingWalk {
  readonly #points = new Map<string, number>();
  /** Per IP, the index on the ring in use where its walk starts (a binary search over 16,000 points). */
  readonly #starts = new Map<string, number>();
  /** Per candidates array: its names, and whether all are on the ring they were checked against. */
  readonly #names = new WeakMap<
    readonly Candidate[],
    { readonly names: ReadonlySet<string>; ring: HashRing | undefined; onRing: boolean }
  >();
  #ring: HashRing | undefined;
  #members: ReadonlySet<string> = new Set();

  /**
   * Walks a ring holding these members from now on (candidates outside them are elected the slow way).
   * The ring in use is kept while it holds them all and no more than twice as many: members that left
   * are skipped on the walk, so a member leaving costs no new ring.
   */
  use(members: readonly string[]): void {
    const kept = members.every((name) => this.#members.has(name)) && this.#members.size <= 2 * members.length;
    if (kept && this.#ring !== undefined) return;
    this.#ring = members.length === 0 ? undefined : buildRing(members);
    this.#members = new Set(members);
    this.#starts.clear();
  }

  /** The first candidate on the walk from `firstIp`'s point; undefined without candidates. */
  owner(candidates: readonly Candidate[], firstIp: string): string | undefined {
    const ring = this.#ring;
    if (candidates.length === 0) return undefined;
    const names = this.#namesOf(candidates);
    if (ring === undefined || names === undefined) return ringOwner(candidates, firstIp, everyone);
    let start = this.#starts.get(firstIp);
    if (start === undefined) {
      let point = this.#points.get(firstIp);
      if (point === undefined) {
        point = ring.hashValue(firstIp);
        this.#points.set(firstIp, point);
      }
      start = ring.find(point);
      this.#starts.set(firstIp, start);
    }
    const points = ring.ring;
    for (let i = 0; i < points.length; i++) {
      const server = points[(start + i) % points.length]?.server;
      if (server !== undefined && names.has(server)) return server;
    }
    return undefined;
  }

  /** How many IPs have points kept. */
  get size(): number {
    return this.#points.size;
  }

  /** Forgets the points of IPs that no service has any more. */
  retain(ips: ReadonlySet<string>): void {
    for (const ip of this.#points.keys()) if (!ips.has(ip)) this.#points.delete(ip);
    for (const ip of this.#starts.keys()) if (!ips.has(ip)) this.#starts.delete(ip);
  }

  /** The candidates' names, or undefined when one is not on the ring in use. */
  #namesOf(candidates: readonly Candidate[]): ReadonlySet<string> | undefined {
    let known = this.#names.get(candidates);
    if (known === undefined) {
      known = { names: new Set(candidates.map(({ name }) => name)), ring: undefined, onRing: false };
      this.#names.set(candidates, known);
    }
    if (known.ring !== this.#ring) {
      known.ring = this.#ring;
      known.onRing = [...known.names].every((name) => this.#members.has(name));
    }
    return known.onRing ? known.names : undefined;
  }
}
