/**
 * What exists: the watch's view, overlaid with the answers to this node's own writes until the watch
 * confirms them (same uid and resourceVersion, or the deletion seen). Without the overlay a write whose
 * watch event is still on its way would be made twice.
 */
import { LABEL_NODE, serviceOf } from './names.ts';
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
  /** The view (watch + overlay) by the node label (undefined: none): object name -> its service. */
  private readonly byNode = new Map<string | undefined, Map<string, string>>();
  private readonly indexed = new Map<string, { readonly service: string; readonly node?: string }>();
  private readonly ttlMs: number;

  /** `ttlMs`: an unconfirmed overlay entry yields to the watch after this long. */
  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  /** A full list replaced the view; returns the services whose objects may have changed. */
  replaceAll(objects: readonly StatusObject[]): Set<string> {
    const touched = this.servicesOf([...this.watched.values()]);
    const names = new Set([...this.watched.keys(), ...objects.map((o) => o.name), ...this.overlay.keys()]);
    this.watched.clear();
    this.watchedByService.clear();
    for (const object of objects) this.setWatched(object);
    for (const name of [...this.overlay.keys()]) this.confirm(name);
    for (const key of this.servicesOf(objects)) touched.add(key);
    for (const name of names) this.reindex(name);
    return touched;
  }

  upsert(object: StatusObject): Set<string> {
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    this.setWatched(object);
    this.confirm(object.name);
    this.reindex(object.name);
    return touched;
  }

  remove(object: StatusObject): Set<string> {
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    if (this.watched.get(object.name)?.uid === object.uid) this.deleteWatched(object.name);
    this.confirm(object.name);
    this.reindex(object.name);
    return touched;
  }

  /** Our write succeeded: `object` is what the server answered, undefined after a delete of `uid`. */
  wrote(name: string, uid: string, object: StatusObject | undefined, nowMs: number): void {
    this.overlay.set(name, { object, uid, expiresAtMs: nowMs + this.ttlMs });
    this.confirm(name);
    this.reindex(name);
  }

  /** What a GET answered (undefined: 404) is the newest we know. */
  fetched(name: string, object: StatusObject | undefined, nowMs: number): void {
    const uid = object?.uid ?? this.get(name)?.uid ?? '';
    this.overlay.set(name, { object, uid, expiresAtMs: nowMs + this.ttlMs });
    this.confirm(name);
    this.reindex(name);
  }

  /** Drops overlay entries older than the TTL; returns the services to look at again. */
  expire(nowMs: number): Set<string> {
    const touched = new Set<string>();
    for (const [name, entry] of this.overlay) {
      if (entry.expiresAtMs > nowMs) continue;
      this.overlay.delete(name);
      this.reindex(name);
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

  /** Services with an object labelled with one of `nodes`. */
  servicesOnNodes(nodes: Iterable<string>): Set<string> {
    const services = new Set<string>();
    for (const node of nodes)
      for (const service of this.byNode.get(node)?.values() ?? []) services.add(service);
    return services;
  }

  /** Services with an object labelled with no node, or with one not in `live`. */
  servicesOffNodes(live: ReadonlySet<string>): Set<string> {
    const services = new Set<string>();
    for (const [node, objects] of this.byNode)
      if (node === undefined || !live.has(node))
        for (const service of objects.values()) services.add(service);
    return services;
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

  /** Files `name` in the node index as the view now holds it (kept for objects with a service label). */
  private reindex(name: string): void {
    const object = this.get(name);
    const service = object === undefined ? undefined : serviceOf(object.labels);
    const node = object?.labels[LABEL_NODE];
    const before = this.indexed.get(name);
    if (before !== undefined && before.service === service && before.node === node) return;
    if (before !== undefined) {
      const objects = this.byNode.get(before.node);
      objects?.delete(name);
      if (objects?.size === 0) this.byNode.delete(before.node);
      this.indexed.delete(name);
    }
    if (service === undefined) return;
    this.indexed.set(name, node === undefined ? { service } : { service, node });
    let objects = this.byNode.get(node);
    if (objects === undefined) this.byNode.set(node, (objects = new Map()));
    objects.set(name, service);
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
