/**
 * The owners of a plan that differs from the previous one in a few services: the previous owners with
 * the changes laid over them, so a member leaving does not copy 10,000 entries. Same keys, same order
 * as the map it is laid over; a chain grows one layer per plan and is flattened every few layers.
 */
const MAX_LAYERS = 8;

export class OwnerMap implements ReadonlyMap<string, string | undefined> {
  readonly #base: ReadonlyMap<string, string | undefined>;
  readonly #changes: ReadonlyMap<string, string | undefined>;
  readonly #layers: number;

  private constructor(
    base: ReadonlyMap<string, string | undefined>,
    changes: ReadonlyMap<string, string | undefined>,
    layers: number,
  ) {
    this.#base = base;
    this.#changes = changes;
    this.#layers = layers;
  }

  /** `base` with `changes` (of keys it has) laid over; a plain Map once the chain is deep. */
  static over(
    base: ReadonlyMap<string, string | undefined>,
    changes: ReadonlyMap<string, string | undefined>,
  ): ReadonlyMap<string, string | undefined> {
    const layers = (base instanceof OwnerMap ? base.#layers : 0) + 1;
    const layered = new OwnerMap(base, changes, layers);
    return layers >= MAX_LAYERS ? layered.#flatten() : layered;
  }

  /** A plain map of the same entries: the bottom map copied, then each layer's changes set, oldest first. */
  #flatten(): Map<string, string | undefined> {
    const layers = [this.#changes];
    let bottom = this.#base;
    while (bottom instanceof OwnerMap) {
      layers.push(bottom.#changes);
      bottom = bottom.#base;
    }
    // Changes only hold keys of the bottom map, so setting them keeps its order.
    const flat = new Map(bottom);
    for (let i = layers.length - 1; i >= 0; i--)
      for (const [key, owner] of layers[i] ?? []) flat.set(key, owner);
    return flat;
  }

  /**
   * The keys whose owner may differ from `earlier`'s, when this map was laid (in one or more layers)
   * over it; undefined when it was not (compare every key). For src/metrics's observeOwners.
   */
  changedSince(earlier: ReadonlyMap<string, string | undefined>): Iterable<string> | undefined {
    const keys = new Set<string>(this.#changes.keys());
    let base = this.#base;
    while (base !== earlier) {
      if (!(base instanceof OwnerMap)) return undefined;
      for (const key of base.#changes.keys()) keys.add(key);
      base = base.#base;
    }
    return keys;
  }

  get size(): number {
    return this.#base.size;
  }

  get(key: string): string | undefined {
    return this.#changes.has(key) ? this.#changes.get(key) : this.#base.get(key);
  }

  has(key: string): boolean {
    return this.#base.has(key);
  }

  *entries(): MapIterator<[string, string | undefined]> {
    for (const [key, value] of this.#base)
      yield [key, this.#changes.has(key) ? this.#changes.get(key) : value];
  }

  *keys(): MapIterator<string> {
    yield* this.#base.keys();
  }

  *values(): MapIterator<string | undefined> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, string | undefined]> {
    return this.entries();
  }

  forEach(
    fn: (value: string | undefined, key: string, map: ReadonlyMap<string, string | undefined>) => void,
  ): void {
    for (const [key, value] of this.entries()) fn(value, key, this);
  }
}
