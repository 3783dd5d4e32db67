/**
 * One kind's objects as the informer last saw them, converted once: an object whose resourceVersion did
 * not change keeps its converted value (the same reference) across watch events and relists, so
 * consumers that cache by reference (incremental planning) see only what really changed.
 */
import type { RawObject } from './api.ts';

/** Turns an API object into the value kept; undefined skips it (the converter logs why). */
export type Converter<T> = (object: RawObject) => T | undefined;

interface Entry<T> {
  readonly version: Version | undefined;
  readonly value: T | undefined;
}

/** A resourceVersion as kept: a number when it is an integer written plainly, so no string per object. */
type Version = string | number;

/** Two versions are the same text exactly when their Versions are equal. */
function versionOf(object: RawObject): Version | undefined {
  const text = object.metadata?.resourceVersion;
  if (text === undefined) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) && String(number) === text ? number : text;
}

/**
 * "namespace/name" ("/name" for cluster-scoped objects): the sort order of the model's lists. Joined,
 * not concatenated: a key is kept for each object, and a concatenation of 13 characters or more is a
 * rope that hashing flattens into a second string.
 */
export function objectKey(object: RawObject): string {
  return [object.metadata?.namespace ?? '', object.metadata?.name ?? ''].join('/');
}

function insertionPoint(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] ?? '') < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class KindStore<T> {
  readonly #convert: Converter<T>;
  #entries = new Map<string, Entry<T>>();
  /** Keys in order; kept sorted by binary insertion between relists. */
  #order: string[] = [];
  #values: readonly T[] | undefined = Object.freeze([]);
  #staging: Map<string, Entry<T>> | undefined;
  #staged = false;

  constructor(convert: Converter<T>) {
    this.#convert = convert;
  }

  get size(): number {
    return this.#entries.size;
  }

  #entryFor(object: RawObject, previous: Entry<T> | undefined): Entry<T> {
    const version = versionOf(object);
    if (previous !== undefined && version !== undefined && previous.version === version) return previous;
    return { version, value: this.#convert(object) };
  }

  /** Added or modified; true when the kept value changed. */
  upsert(object: RawObject): boolean {
    const key = objectKey(object);
    const previous = this.#entries.get(key);
    const entry = this.#entryFor(object, previous);
    if (entry === previous) return false;
    this.#entries.set(key, entry);
    if (previous === undefined) this.#order.splice(insertionPoint(this.#order, key), 0, key);
    if (previous?.value === undefined && entry.value === undefined) return false;
    this.#values = undefined;
    return true;
  }

  /** Deleted; true when a kept value went away. */
  remove(object: RawObject): boolean {
    const key = objectKey(object);
    const previous = this.#entries.get(key);
    if (previous === undefined) return false;
    this.#entries.delete(key);
    const at = insertionPoint(this.#order, key);
    if (this.#order[at] === key) this.#order.splice(at, 1);
    if (previous.value === undefined) return false;
    this.#values = undefined;
    return true;
  }

  /** A relist begins: pages go to a staging area, the current state stays visible until endList. */
  beginList(): void {
    this.#staging = new Map();
    this.#staged = false;
  }

  listPage(items: readonly RawObject[]): void {
    for (const object of items) this.listItem(object);
  }

  /** One object of the list being staged (listPage one at a time, for callers that yield between). */
  listItem(object: RawObject): void {
    const staging = this.#staging ?? new Map<string, Entry<T>>();
    this.#staging = staging;
    const key = objectKey(object);
    const previous = this.#entries.get(key);
    const entry = this.#entryFor(object, previous);
    if (entry !== previous) this.#staged = true;
    staging.set(key, entry);
  }

  /** The list is complete: it replaces the state. True when a kept value changed. */
  endList(): boolean {
    const staging = this.#staging ?? new Map<string, Entry<T>>();
    this.#staging = undefined;
    const gone = [...this.#entries].some(([key, entry]) => entry.value !== undefined && !staging.has(key));
    const changed =
      gone || (this.#staged && [...staging].some(([key, e]) => e.value !== this.#entries.get(key)?.value));
    // Sorting 10,000 keys takes milliseconds: an unchanged set of names keeps its order.
    const sameKeys =
      staging.size === this.#entries.size && [...staging.keys()].every((key) => this.#entries.has(key));
    this.#entries = staging;
    if (!sameKeys) this.#order = [...staging.keys()].sort();
    if (changed) this.#values = undefined;
    return changed;
  }

  /** The kept values, sorted by namespace then name; the same frozen array until something changes. */
  values(): readonly T[] {
    if (this.#values === undefined) {
      const values: T[] = [];
      for (const key of this.#order) {
        const value = this.#entries.get(key)?.value;
        if (value !== undefined) values.push(value);
      }
      this.#values = Object.freeze(values);
    }
    return this.#values;
  }
}
