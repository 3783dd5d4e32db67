/**
 * The first 64 bits of sha256(member + "#" + IP) for every (IP, member) pair asked, in one table: a
 * row per IP, a column per member, two words per cell. One pair of typed arrays for all 10,000 IPs
 * keeps the hashes contiguous (a lookup is an index, not a chain of objects) and gives the garbage
 * collector two objects to keep rather than 20,000 small buffers.
 */
import { createHash } from 'node:crypto';
import { sha256Prefix } from './sha256.ts';

const INITIAL_ROWS = 64;
const INITIAL_COLUMNS = 8;

export function fullHash(name: string, ip: string): Buffer {
  return createHash('sha256').update(`${name}#${ip}`).digest();
}

/**
 * A size for `needed` after `size`: a quarter more, so that at most a fifth of the table is room (it
 * holds 10,000 IPs x 100 members in 9 MB) while copies on growth stay a few times its final size.
 */
const grown = (size: number, needed: number): number => Math.max(needed, Math.ceil(size * 1.25));

export class PairHashes {
  readonly #columns = new Map<string, number>();
  readonly #rows = new Map<string, number>();
  /** Rows of IPs forgotten, cleared, for the next new IPs. */
  readonly #freeRows: number[] = [];
  #rowCapacity = INITIAL_ROWS;
  #stride = INITIAL_COLUMNS;
  /** High word then low word per cell, cell (row, column) at (row * stride + column) * 2. */
  #words = new Uint32Array(INITIAL_ROWS * INITIAL_COLUMNS * 2);
  /** 1 where the cell's hash is computed. */
  #known = new Uint8Array(INITIAL_ROWS * INITIAL_COLUMNS);
  readonly #scratch = new Uint32Array(2);

  /** The member's column (a member keeps its column for the life of the table). */
  column(name: string): number {
    let column = this.#columns.get(name);
    if (column === undefined) {
      column = this.#columns.size;
      this.#columns.set(name, column);
      if (column >= this.#stride) this.#layout(this.#rowCapacity, grown(this.#stride, column + 1));
    }
    return column;
  }

  /** The IP's row: where its cells start, in cells (row * stride). Valid until the next column or row. */
  rowStart(ip: string): number {
    let row = this.#rows.get(ip);
    if (row === undefined) {
      row = this.#freeRows.pop() ?? this.#rows.size;
      if (row >= this.#rowCapacity) this.#layout(grown(this.#rowCapacity, row + 1), this.#stride);
      this.#rows.set(ip, row);
    }
    return row * this.#stride;
  }

  /** The words of every cell (see rowStart), each cell's hash computed by `cell` first. */
  get words(): Uint32Array {
    return this.#words;
  }

  /** Makes sure cell `start + column` holds the hash of (name, ip); returns its index in `words`. */
  cell(start: number, column: number, name: string, ip: string): number {
    const at = start + column;
    if (this.#known[at] === 0) {
      if (!sha256Prefix(`${name}#${ip}`, this.#scratch)) {
        const digest = fullHash(name, ip);
        this.#scratch[0] = digest.readUInt32BE(0);
        this.#scratch[1] = digest.readUInt32BE(4);
      }
      this.#words.set(this.#scratch, at * 2);
      this.#known[at] = 1;
    }
    return at * 2;
  }

  /** Forgets the IPs not in `ips`: their rows are cleared for new IPs. */
  retain(ips: ReadonlySet<string>): void {
    for (const [ip, row] of this.#rows) {
      if (ips.has(ip)) continue;
      this.#rows.delete(ip);
      this.#known.fill(0, row * this.#stride, (row + 1) * this.#stride);
      this.#freeRows.push(row);
    }
  }

  /** How many IPs have a row. */
  get size(): number {
    return this.#rows.size;
  }

  /** Moves the table to `rows` x `stride` cells (more rows, or wider rows for more members). */
  #layout(rows: number, stride: number): void {
    const words = new Uint32Array(rows * stride * 2);
    const known = new Uint8Array(rows * stride);
    const used = Math.min(this.#rowCapacity, rows);
    if (stride === this.#stride) {
      words.set(this.#words.subarray(0, used * stride * 2));
      known.set(this.#known.subarray(0, used * stride));
    } else {
      for (let row = 0; row < used; row++) {
        const from = row * this.#stride;
        words.set(this.#words.subarray(from * 2, (from + this.#stride) * 2), row * stride * 2);
        known.set(this.#known.subarray(from, from + this.#stride), row * stride);
      }
    }
    this.#words = words;
    this.#known = known;
    this.#rowCapacity = rows;
    this.#stride = stride;
  }
}
