/**
 * MetalLB's rule with the hashes kept: sha256(node + "#" + IP) does not depend on who else is a member,
 * so each (member, IP) pair is hashed once for the life of the cache. A member leaving or a service
 * changing then costs comparisons, not hashing. Same owner as metallbPreference(...)[0].
 */
import { fullHash, PairHashes } from './pair-hashes.ts';
import type { Candidate } from './types.ts';

/** Candidates arrays at least this long get their columns kept (shorter ones are often made per call). */
const KEEP_COLUMNS_FROM = 8;

export class MetallbRanks {
  readonly #hashes = new PairHashes();
  /** Per candidates array (arrays are not changed once made): each candidate's column. */
  readonly #arrayColumns = new WeakMap<readonly Candidate[], Int32Array>();
  /** The columns of a short array, written again at each call: typed arrays cost more to make than to fill. */
  readonly #shortColumns = new Int32Array(KEEP_COLUMNS_FROM);

  /**
   * The member that announces a service whose first IP is `firstIp`; undefined without candidates. An
   * array passed here must not be changed afterwards (the columns of a long one are kept by identity).
   */
  owner(candidates: readonly Candidate[], firstIp: string): string | undefined {
    const first = candidates[0];
    if (first === undefined) return undefined;
    const columns = this.#columnsOf(candidates);
    const table = this.#hashes;
    // Columns before the row: a new column may lay the table out again, a new row keeps row starts.
    const start = table.rowStart(firstIp);
    let best = first;
    let bestAt = table.cell(start, columns[0] ?? 0, first.name, firstIp);
    for (let j = 1; j < candidates.length; j++) {
      const candidate = candidates[j] as Candidate;
      const at = table.cell(start, columns[j] ?? 0, candidate.name, firstIp);
      if (precedes(candidate, at, best, bestAt, table.words, firstIp)) {
        best = candidate;
        bestAt = at;
      }
    }
    return best.name;
  }

  /** Forgets the IPs that no service has any more. */
  retain(ips: ReadonlySet<string>): void {
    this.#hashes.retain(ips);
  }

  /** How many IPs have hashes kept. */
  get size(): number {
    return this.#hashes.size;
  }

  /** The candidates' columns: a member's column never changes, so a long array's are found once. */
  #columnsOf(candidates: readonly Candidate[]): Int32Array {
    const keep = candidates.length >= KEEP_COLUMNS_FROM;
    const known = keep ? this.#arrayColumns.get(candidates) : undefined;
    if (known !== undefined) return known;
    const columns = keep ? new Int32Array(candidates.length) : this.#shortColumns;
    candidates.forEach(({ name }, j) => (columns[j] = this.#hashes.column(name)));
    if (keep) this.#arrayColumns.set(candidates, columns);
    return columns;
  }
}

/** MetalLB's order: higher weight, then lower hash (cells at `atA`, `atB` of `words`), then name. */
function precedes(
  a: Candidate,
  atA: number,
  b: Candidate,
  atB: number,
  words: Uint32Array,
  ip: string,
): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  const highA = words[atA] ?? 0;
  const highB = words[atB] ?? 0;
  if (highA !== highB) return highA < highB;
  const lowA = words[atA + 1] ?? 0;
  const lowB = words[atB + 1] ?? 0;
  if (lowA !== lowB) return lowA < lowB;
  const order = Buffer.compare(fullHash(a.name, ip), fullHash(b.name, ip));
  return order !== 0 ? order < 0 : a.name.localeCompare(b.name) < 0;
}
