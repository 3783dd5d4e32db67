/**
 * What exists: the watch's view, overlaid with the answers to this node's own writes until the watch
 * confirms them (same uid and resourceVersion, or the deletion seen). Without the overlay a write whose
 * watch event is still on its way would be made twice.
 */
import { serviceOf } from './names.ts';
import type { StatusObject } from './types.ts';

interface OverlayEntry {
  /** The object as our write left it; undefined after our delete. */
  readonly object: StatusObject | undefined;
  readonly uid: string;
  readonly expiresAtMs: number;
}

export class ObservedObjects {
  private readonly watched = new Map<string, StatusObject>();
  /** service key -> names of watched objects labelled with it. */
  private readonly watchedByService = new Map<string, Set<string>>();
  private readonly overlay = new Map<string, OverlayEntry>();
  private readonly ttlMs: number;

  /** `ttlMs`: an unconfirmed overlay entry yields to the watch after this long. */
  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  /** A full list replaced the view; returns the services whose objects may have changed. */
  replaceAll(objects: readonly StatusObject[]): Set<string> {
    const touched = this.servicesOf([...this.watched.values()]);
    this.watched.clear();
    this.watchedByService.clear();
    for (const object of objects) this.setWatched(object);
    for (const name of [...this.overlay.keys()]) this.confirm(name);
    for (const key of this.servicesOf(objects)) touched.add(key);
    return touched;
  }

  upsert(object: StatusObject): Set<string> {
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    this.setWatched(object);
    this.confirm(object.name);
    return touched;
  }

  remove(object: StatusObject): Set<string> {
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    if (this.watched.get(object.name)?.uid === object.uid) this.deleteWatched(object.name);
    this.confirm(object.name);
    return touched;
  }

  /** Our write succeeded: `object` is what the server answered, undefined after a delete of `uid`. */
  wrote(name: string, uid: string, object: StatusObject | undefined, nowMs: number): void {
    this.overlay.set(name, { object, uid, expiresAtMs: nowMs + this.ttlMs });
    this.confirm(name);
  }

  /** What a GET answered (undefined: 404) is the newest we know. */
  fetched(name: string, object: StatusObject | undefined, nowMs: number): void {
    const uid = object?.uid ?? this.get(name)?.uid ?? '';
    this.overlay.set(name, { object, uid, expiresAtMs: nowMs + this.ttlMs });
    this.confirm(name);
  }

  /** Drops overlay entries older than the TTL; returns the services to look at again. */
  expire(nowMs: number): Set<string> {
    const touched = new Set<string>();
    for (const [name, entry] of this.overlay) {
      if (entry.expiresAtMs > nowMs) continue;
      this.overlay.delete(name);
      for (const key of this.servicesOf([entry.object, this.watched.get(name)])) touched.add(key);
    }
    return touched;
  }

  get(name: string): StatusObject | undefined {
    const entry = this.overlay.get(name);
    return entry === undefined ? this.watched.get(name) : entry.object;
  }

  ofService(key: string): StatusObject[] {
    const names = new Set<string>();
    for (const name of this.watchedByService.get(key) ?? []) names.add(name);
    for (const [name, entry] of this.overlay)
      if (entry.object !== undefined && serviceOf(entry.object.labels) === key) names.add(name);
    const objects: StatusObject[] = [];
    for (const name of names) {
      const object = this.get(name);
      if (object !== undefined && serviceOf(object.labels) === key) objects.push(object);
    }
    return objects;
  }

  /** Every service some observed object is labelled with. */
  services(): Set<string> {
    const all = [...this.watched.keys(), ...this.overlay.keys()].map((name) => this.get(name));
    return this.servicesOf(all);
  }

  get size(): number {
    let count = 0;
    for (const name of new Set([...this.watched.keys(), ...this.overlay.keys()]))
      if (this.get(name) !== undefined) count++;
    return count;
  }

  private setWatched(object: StatusObject): void {
    this.deleteWatched(object.name);
    this.watched.set(object.name, object);
    const key = serviceOf(object.labels);
    if (key === undefined) return;
    let names = this.watchedByService.get(key);
    if (names === undefined) this.watchedByService.set(key, (names = new Set()));
    names.add(object.name);
  }

  private deleteWatched(name: string): void {
    const old = this.watched.get(name);
    if (old === undefined) return;
    this.watched.delete(name);
    const key = serviceOf(old.labels);
    const names = key === undefined ? undefined : this.watchedByService.get(key);
    names?.delete(name);
    if (key !== undefined && names?.size === 0) this.watchedByService.delete(key);
  }

  private confirm(name: string): void {
    const entry = this.overlay.get(name);
    if (entry === undefined) return;
    const seen = this.watched.get(name);
    const confirmed =
      entry.object === undefined
        ? seen?.uid !== entry.uid
        : seen?.uid === entry.uid && seen.resourceVersion === entry.object.resourceVersion;
    if (confirmed) this.overlay.delete(name);
  }

  private servicesOf(objects: readonly (StatusObject | undefined)[]): Set<string> {
    const keys = new Set<string>();
    for (const object of objects) {
      const key = object === undefined ? undefined : serviceOf(object.labels);
      if (key !== undefined) keys.add(key);
    }
    return keys;
  }
}
