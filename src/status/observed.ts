/**
 * What exists: the watch's view, overlaid with the answers to this node's own writes until the watch
 * confirms them (same uid and resourceVersion, or the deletion seen). Without the overlay a write whose
 * watch event is still on its way would be made twice.
 */
import { LABEL_NODE, serviceOf } from './names.ts';
import { SharedParts } from './shared-parts.ts';
import type { StatusObject } from './types.ts';

interface OverlayEntry {
  /** The object as our write left it; undefined after our delete. */
  readonly object: StatusObject | undefined;
  readonly uid: string;
  readonly expiresAtMs: number;
}

/** The names of one service's objects: the one name itself (the usual case), a Set when there are more. */
type Names = string | Set<string>;

function namesOf(names: Names | undefined): Iterable<string> {
  if (names === undefined) return [];
  return typeof names === 'string' ? [names] : names;
}

export class ObservedObjects {
  private readonly watched = new Map<string, StatusObject>();
  private readonly overlay = new Map<string, OverlayEntry>();
  /** The view (watch + overlay) by service label: the names of the objects labelled with it. */
  private readonly byService = new Map<string, Names>();
  /** The view's objects with a service label, by node label (undefined: none): their names. */
  private readonly byNode = new Map<string | undefined, Set<string>>();
  private readonly shared = new SharedParts();
  private readonly ttlMs: number;

  /** `ttlMs`: an unconfirmed overlay entry yields to the watch after this long. */
  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  /** A full list replaced the view; returns the services whose objects may have changed. */
  replaceAll(objects: readonly StatusObject[]): Set<string> {
    const touched = this.servicesOf([...this.watched.values()]);
    const names = new Set([...this.watched.keys(), ...objects.map((o) => o.name), ...this.overlay.keys()]);
    const before = new Map([...names].map((name) => [name, this.get(name)]));
    this.watched.clear();
    for (const object of objects) this.watched.set(object.name, this.shared.share(object));
    for (const name of [...this.overlay.keys()]) this.confirm(name);
    for (const key of this.servicesOf(objects)) touched.add(key);
    for (const name of names) this.reindex(name, before.get(name));
    return touched;
  }

  upsert(object: StatusObject): Set<string> {
    const before = this.get(object.name);
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    this.watched.set(object.name, this.shared.share(object));
    this.confirm(object.name);
    this.reindex(object.name, before);
    return touched;
  }

  remove(object: StatusObject): Set<string> {
    const before = this.get(object.name);
    const touched = this.servicesOf([object, this.watched.get(object.name)]);
    if (this.watched.get(object.name)?.uid === object.uid) this.watched.delete(object.name);
    this.confirm(object.name);
    this.reindex(object.name, before);
    return touched;
  }

  /** Our write succeeded: `object` is what the server answered, undefined after a delete of `uid`. */
  wrote(name: string, uid: string, object: StatusObject | undefined, nowMs: number): void {
    this.remember(name, uid, object, nowMs);
  }

  /** What a GET answered (undefined: 404) is the newest we know. */
  fetched(name: string, object: StatusObject | undefined, nowMs: number): void {
    this.remember(name, object?.uid ?? this.get(name)?.uid ?? '', object, nowMs);
  }

  /** Drops overlay entries older than the TTL; returns the services to look at again. */
  expire(nowMs: number): Set<string> {
    const touched = new Set<string>();
    for (const [name, entry] of this.overlay) {
      if (entry.expiresAtMs > nowMs) continue;
      this.overlay.delete(name);
      this.reindex(name, entry.object);
      for (const key of this.servicesOf([entry.object, this.watched.get(name)])) touched.add(key);
    }
    return touched;
  }

  get(name: string): StatusObject | undefined {
    const entry = this.overlay.get(name);
    return entry === undefined ? this.watched.get(name) : entry.object;
  }

  /** The objects of the view labelled with the service. */
  ofService(key: string): StatusObject[] {
    const objects: StatusObject[] = [];
    for (const name of namesOf(this.byService.get(key))) {
      const object = this.get(name);
      if (object !== undefined) objects.push(object);
    }
    return objects;
  }

  /** Services with an object labelled with one of `nodes`. */
  servicesOnNodes(nodes: Iterable<string>): Set<string> {
    const services = new Set<string>();
    for (const node of nodes) this.addServices(services, this.byNode.get(node));
    return services;
  }

  /** Services with an object labelled with no node, or with one not in `live`. */
  servicesOffNodes(live: ReadonlySet<string>): Set<string> {
    const services = new Set<string>();
    for (const [node, names] of this.byNode)
      if (node === undefined || !live.has(node)) this.addServices(services, names);
    return services;
  }

  /** Every service some observed object is labelled with. */
  services(): Set<string> {
    return new Set(this.byService.keys());
  }

  get size(): number {
    let count = 0;
    for (const name of new Set([...this.watched.keys(), ...this.overlay.keys()]))
      if (this.get(name) !== undefined) count++;
    return count;
  }

  private remember(name: string, uid: string, object: StatusObject | undefined, nowMs: number): void {
    const before = this.get(name);
    const kept = object === undefined ? undefined : this.shared.share(object);
    this.overlay.set(name, { object: kept, uid, expiresAtMs: nowMs + this.ttlMs });
    this.confirm(name);
    this.reindex(name, before);
  }

  private addServices(services: Set<string>, names: Iterable<string> | undefined): void {
    for (const name of names ?? []) {
      const labels = this.get(name)?.labels;
      const service = labels === undefined ? undefined : serviceOf(labels);
      if (service !== undefined) services.add(service);
    }
  }

  /** Files `name` in the indexes as the view now holds it; `before` is what the view held. */
  private reindex(name: string, before: StatusObject | undefined): void {
    const after = this.get(name);
    if (after === before) return;
    const was = before === undefined ? undefined : serviceOf(before.labels);
    const is = after === undefined ? undefined : serviceOf(after.labels);
    const wasNode = before?.labels[LABEL_NODE];
    const isNode = after?.labels[LABEL_NODE];
    if (was === is && wasNode === isNode) return;
    if (was !== undefined) {
      this.unfile(was, name);
      const names = this.byNode.get(wasNode);
      names?.delete(name);
      if (names?.size === 0) this.byNode.delete(wasNode);
    }
    if (is === undefined) return;
    this.file(is, name);
    const names = this.byNode.get(isNode);
    if (names === undefined) this.byNode.set(isNode, new Set([name]));
    else names.add(name);
  }

  private file(service: string, name: string): void {
    const names = this.byService.get(service);
    if (names === undefined) this.byService.set(service, name);
    else if (typeof names !== 'string') names.add(name);
    else if (names !== name) this.byService.set(service, new Set([names, name]));
  }

  private unfile(service: string, name: string): void {
    const names = this.byService.get(service);
    if (names === name) this.byService.delete(service);
    if (names === undefined || typeof names === 'string') return;
    names.delete(name);
    const [only] = names;
    if (names.size === 1 && only !== undefined) this.byService.set(service, only);
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
