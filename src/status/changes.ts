/**
 * What differs between two desired states, so update() re-plans only the services it can affect. Each
 * answer may hold more than what changed (a service planned again for nothing costs one reconcile),
 * never less. Maps handed to update() are never changed afterwards (the speaker's plans are not).
 */

/**
 * Owners laid over an earlier plan's (src/speaker's OwnerMap after members leave): the keys that may
 * differ from `earlier`, or undefined when it is not laid over it. Checked structurally: src/status
 * does not depend on src/speaker.
 */
interface OwnerChanges {
  changedSince(earlier: ReadonlyMap<string, string | undefined>): Iterable<string> | undefined;
}

type Owners = ReadonlyMap<string, string | undefined>;

/** Services whose owner, or whether they are known at all, may differ from `before` in `after`. */
export function changedOwners(before: Owners, after: Owners): Iterable<string> {
  if (after === before) return [];
  const telling = after as Partial<OwnerChanges>;
  const told = typeof telling.changedSince === 'function' ? telling.changedSince(before) : undefined;
  if (told !== undefined) return told;
  const changed: string[] = [];
  let kept = 0;
  for (const [service, owner] of after) {
    const was = before.get(service);
    if (was !== owner || (was === undefined && !before.has(service))) changed.push(service);
    if (was !== undefined || before.has(service)) kept++;
  }
  // Every key of `before` is in `after` when as many of them were found as it has: skip walking it.
  if (kept < before.size) for (const service of before.keys()) if (!after.has(service)) changed.push(service);
  return changed;
}

type Interfaces = ReadonlyMap<string, readonly string[]>;

/** Equal lists of strings, in order; undefined equals nothing. */
export function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === b) return true;
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Services whose interface list differs between the two maps (compared per key, in order). */
export function changedInterfaces(before: Interfaces, after: Interfaces): string[] {
  if (after === before) return [];
  const changed: string[] = [];
  let kept = 0;
  for (const [service, names] of after) {
    const was = before.get(service);
    if (was !== undefined) kept++;
    if (!sameList(was, names)) changed.push(service);
  }
  if (kept < before.size) for (const service of before.keys()) if (!after.has(service)) changed.push(service);
  return changed;
}

/** Nodes live in one set and not in the other. */
export function changedNodes(before: ReadonlySet<string>, after: ReadonlySet<string>): Set<string> {
  const changed = new Set<string>();
  for (const node of after) if (!before.has(node)) changed.add(node);
  for (const node of before) if (!after.has(node)) changed.add(node);
  return changed;
}

/** The lowest name (as Array.prototype.sort orders strings), undefined for none. */
export function lowest(names: Iterable<string>): string | undefined {
  let first: string | undefined;
  for (const name of names) if (first === undefined || name < first) first = name;
  return first;
}
